// Where fpt keeps its logs, recordings and profiles: private to the user.
#pragma once

#include <filesystem>
#include <string>

namespace fpt::app {

/// --data-dir, else $FPT_DATA_DIR, else $XDG_DATA_HOME/fpt, else ~/.local/share/fpt.
std::filesystem::path resolve_data_dir(const std::string& flag);

/// Creates the folder (and parents) with mode 0700 when missing. Throws IoError.
void ensure_private_dir(const std::filesystem::path& dir);

}  // namespace fpt::app
