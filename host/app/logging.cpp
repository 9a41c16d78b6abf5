#include "logging.hpp"

#include <sys/stat.h>

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "error.hpp"

namespace fpt::app {

void setup_logging(const std::string& level, const std::filesystem::path& log_dir) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw InvalidArgument(
        fmt::format("unknown log level '{}' (use trace, debug, info, warn, "
                    "error or off)",
                    level));
  std::vector<spdlog::sink_ptr> sinks;
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(std::max(lvl, spdlog::level::warn));
  console->set_pattern("fpt: %^%l%$: %v");
  sinks.push_back(console);
  if (!log_dir.empty()) {
    const mode_t old = ::umask(077);
    try {
      auto file =
          std::make_shared<spdlog::sinks::basic_file_sink_mt>((log_dir / "fpt.log").string());
      file->set_level(lvl);
      sinks.push_back(file);
    } catch (const spdlog::spdlog_ex& e) {
      ::umask(old);
      throw IoError(fmt::format("cannot open log file in {}: {}", log_dir.string(), e.what()));
    }
    ::umask(old);
  }
  auto logger = std::make_shared<spdlog::logger>("fpt", sinks.begin(), sinks.end());
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

}  // namespace fpt::app
