// Where a session's files live: DATA/sessions/ID/ (0700) with the recording (0600) and the
// JSON sidecar describing it. The id ("20261125-203015-ana", UTC) is what replay, report and
// annotate take.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "device_info.hpp"
#include "session_recorder.hpp"

namespace fpt::app {

struct SessionFiles {
  std::string id;
  std::string dir;
  std::string sidecar;  // DIR/session.json
};

/// Creates the session's folder. Throws IoError, InvalidArgument (athlete not a file name).
SessionFiles new_session(const std::string& data_dir, const std::string& athlete);

/// Writes the sidecar atomically (temporary file, then rename), 0600. Throws IoError.
void write_sidecar(const SessionFiles& files, const nlohmann::json& sidecar);

/// The board as it described itself (what a replay needs to rebuild it).
nlohmann::json board_json(const protocol::DeviceInfo& d);

/// The sidecar's `recording_status`: how the recording ended. origin_s: the board-clock second
/// of the file's time 0.
nlohmann::json recording_status_json(const storage::RecorderStatus& st, std::uint64_t origin_s);

/// "2026-11-25T20:30:15Z"
std::string utc_timestamp();

}  // namespace fpt::app
