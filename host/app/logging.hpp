// spdlog set-up: warnings and errors to the terminal, everything at the chosen level to a
// log file in the data folder. Never called per sample.
#pragma once

#include <filesystem>
#include <string>

namespace fpt::app {

/// level: trace, debug, info, warn, error, off. Throws InvalidArgument for another word.
/// When log_dir is empty only the terminal gets messages.
void setup_logging(const std::string& level, const std::filesystem::path& log_dir);

}  // namespace fpt::app
