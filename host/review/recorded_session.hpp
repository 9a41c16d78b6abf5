// A recorded session folder (DATA/sessions/ID: session.json + recording.edf/.bdf) opened for
// the identical pipeline: the board as it described itself, the settings it ran with, and a
// feed that turns the recording back into the stream items the live link delivered.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "device_info.hpp"
#include "session_coach.hpp"
#include "training_pipeline.hpp"

namespace fpt::review {

struct RecordedSession {
  std::filesystem::path dir;
  nlohmann::json sidecar;
  std::string id, athlete, mode, started_utc;
  protocol::DeviceInfo device;
  session::PipelineConfig pipeline;  // as recorded: stage, tolerance, detector, mains, IMU
  session::CoachConfig coach;        // stage, advance_after, calibration's MVC and rest
  std::filesystem::path recording;
  std::int64_t origin_s = 0;  // the board-clock second of the recording's time 0
};

/// The folder of a session given its id (as fpt printed it) or a folder path.
/// Throws InvalidArgument when there is no such session.
std::filesystem::path find_session(const std::string& id_or_dir, const std::string& data_dir);

/// Reads the sidecar. Throws IoError, FormatError (the field named).
RecordedSession load_session(const std::filesystem::path& dir);

struct FeedOptions {
  bool realtime = false;                 // at the recorded pace
  std::function<bool()> stop;            // polled once per record (second)
  std::function<void(double)> progress;  // fraction done, once per record
  /// Called after each EMG sample went through the pipeline (for envelopes); may be empty.
  std::function<void(const session::TrainingPipeline&, std::uint64_t index)> after_sample;
};

/// Feeds the recording's samples (and IMU) through `pipeline` into `sink` exactly as the live
/// link delivered them, up to the "recording ends" note. Returns the seconds fed.
/// Throws IoError, FormatError (a malformed or truncated recording).
double feed_recording(const RecordedSession& s, session::TrainingPipeline& pipeline,
                      session::SessionSink& sink, const FeedOptions& options = {});

}  // namespace fpt::review
