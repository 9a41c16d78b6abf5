// The firmware image as built by gcc-avr: it must fit the part it is flashed on.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace {
const std::string kFirmware = FPT_FIRMWARE_ELF;

/// The number after `key` in text ("Program:    6324 bytes"), or -1. (No std::regex: GCC 12
/// warns about its internals under the sanitizers.)
long number_after(const std::string& text, const std::string& key) {
  const auto at = text.find(key);
  if (at == std::string::npos) return -1;
  try {
    return std::stol(text.substr(at + key.size()));
  } catch (const std::exception&) {
    return -1;
  }
}
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
  const long flash = number_after(text, "Program:");
  const long ram = number_after(text, "Data:");
  ASSERT_GT(flash, 0) << text;
  ASSERT_GT(ram, 0) << text;
  std::printf("firmware: flash %ld of 32256 bytes, RAM %ld of 2048 bytes (static)\n", flash, ram);
  EXPECT_LE(flash, 32256);
  EXPECT_LE(ram, 2048 - 512);
}
