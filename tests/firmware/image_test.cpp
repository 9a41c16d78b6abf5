// The firmware image as built by gcc-avr: it must fit the part it is flashed on.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <regex>
#include <string>

namespace {
const std::string kFirmware = FPT_FIRMWARE_ELF;
}  // namespace

// The image itself: what `avr-size` reports must fit an ATmega328P with the Uno/Nano
// bootloader (32 KiB flash, 512 B of it the bootloader; 2 KiB RAM, of which the stack needs
// room: the interrupt handlers and the deepest call, HELLO, take about 300 bytes).
TEST(FirmwareImage, FitsTheAtmega328PWithRoomForTheStack) {
  const std::string cmd = "avr-size --format=avr --mcu=atmega328p " + kFirmware;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string text;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) text += buf.data();
  ASSERT_EQ(::pclose(p), 0) << text;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(Program:\s+(\d+) bytes)"))) << text;
  const int flash = std::stoi(m[1]);
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(Data:\s+(\d+) bytes)"))) << text;
  const int ram = std::stoi(m[1]);
  std::printf("firmware: flash %d of 32256 bytes, RAM %d of 2048 bytes (static)\n", flash, ram);
  EXPECT_LE(flash, 32256);
  EXPECT_LE(ram, 2048 - 512);
}
