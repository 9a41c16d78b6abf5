#include "sim_options.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"

namespace fpt::sim {

void add_scenario_options(CLI::App& app, SimOptions& o) {
  app.add_option("--script", o.script,
                 "reps to play: comma list of orders (correct, hamstring_first, lumbar_first, "
                 "both_before_glute, glute_silent, lumbar_before_hamstring, squeeze, "
                 "squeeze_hamstring, or mixed), with *N to repeat and @S for the stage")
      ->capture_default_str();
  app.add_option("--sim-stage", o.stage, "stage for script items without @S")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  app.add_option("--snr-db", o.signal.snr_db, "signal-to-noise ratio of the EMG")
      ->check(CLI::Range(-10.0, 60.0))
      ->capture_default_str();
  app.add_option("--artifacts", o.artifacts, "none, all, or a list of mains,ecg,motion,spikes")
      ->capture_default_str();
  app.add_option("--mains-uv", o.signal.artifacts.mains_uv, "mains hum amplitude (with mains)")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str();
  app.add_option("--loose", o.loose,
                 "an electrode that came off: glute, hamstring or lumbar reads a flat line")
      ->check(CLI::IsMember({"glute", "hamstring", "lumbar"}));
  app.add_option("--mains-hz", o.signal.artifacts.mains_hz, "mains frequency")
      ->check(CLI::IsMember({50.0, 60.0}))
      ->capture_default_str();
  app.add_option("--ramp-ms", o.scenario.ramp_ms, "mean onset ramp (0: step onsets)")
      ->check(CLI::Range(0.0, 500.0))
      ->capture_default_str();
  app.add_option("--gap-ms", o.scenario.gap_ms, "mean gap between successive onsets")
      ->check(CLI::Range(0.0, 1000.0))
      ->capture_default_str();
  app.add_option("--rest-s", o.scenario.rest_before_s, "rest before the first rep")
      ->check(CLI::Range(0.5, 600.0))
      ->capture_default_str();
  app.add_option("--seed", o.signal.seed, "random seed (same seed, same signal)")
      ->capture_default_str();
  app.add_flag("--loop", o.scenario.loop, "repeat the script forever");
  app.add_flag("--calibration", o.calibration,
               "the athlete follows fpt calibrate's timetable (rest, MVC trials, thigh poses) "
               "instead of the script; use the same timing options as fpt calibrate");
  app.add_option("--cal-rest-s", o.actor.timing.rest_s, "calibration: rest (sensor check)")
      ->capture_default_str();
  app.add_option("--instruct-s", o.actor.timing.instruct_s, "calibration: instruction time")
      ->capture_default_str();
  app.add_option("--countdown-s", o.actor.timing.countdown_s, "calibration: countdown")
      ->capture_default_str();
  app.add_option("--contract-s", o.actor.timing.contract_s, "calibration: each MVC trial")
      ->capture_default_str();
  app.add_option("--recover-s", o.actor.timing.recover_s, "calibration: rest after a trial")
      ->capture_default_str();
  app.add_option("--pose-s", o.actor.timing.pose_s, "calibration: each thigh pose")
      ->capture_default_str();
  app.add_option("--weak-trial", o.weak_trial,
                 "calibration: MUSCLE:N, the athlete gives only half in that MVC trial");
  app.add_option("--lift-deg", o.actor.lift_deg, "calibration: the thigh's full lift")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  app.add_option("--swap", o.swap, "two channels whose cables are swapped, e.g. glute,hamstring")
      ->delimiter(',')
      ->expected(2);
  app.add_option("--mount-deg", o.mount_deg,
                 "how the accelerometer is strapped on: roll,pitch,yaw in degrees")
      ->delimiter(',')
      ->expected(3);
  app.add_option("--truth", o.truth_path, "write the ground truth (JSON Lines) to this file");
  app.add_option("--csv", o.board.csv_path,
                 "also write the streamed samples as CSV (uV, g) for fpt analyze");
}

void add_board_options(CLI::App& app, SimOptions& o) {
  app.add_option("--rate", o.board.emg_rate_hz, "EMG sample rate")
      ->check(CLI::IsMember({500, 1000, 2000, 4000}))
      ->capture_default_str();
  app.add_option("--imu-rate", o.board.imu_rate_hz, "accelerometer rate")
      ->check(CLI::Range(10, 1000))
      ->capture_default_str();
  app.add_option("--adc-bits", o.board.adc_bits, "EMG ADC resolution")
      ->check(CLI::IsMember({16, 24}))
      ->capture_default_str();
  app.add_option("--serial", o.board.serial, "board serial number")->capture_default_str();
  app.add_option("--frame-ms", o.board.frame_period_ms,
                 "EMG frame period (sets per frame = rate x period; at most 255 sets)")
      ->check(CLI::Range(0.25, 100.0))
      ->capture_default_str();
  app.add_option("--drop-rate", o.faults.drop_rate, "fault: share of data frames lost")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--corrupt-rate", o.faults.corrupt_rate, "fault: share of bytes corrupted")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--stall-every", o.faults.stall_every_s, "fault: stall the link every S seconds")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--stall-ms", o.faults.stall_ms, "fault: length of each stall")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--reopen-every", o.faults.reopen_every_s, "fault: pull the port every S seconds")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--reopen-ms", o.faults.reopen_ms, "fault: time the port stays away")
      ->check(CLI::Range(0.0, 60000.0));
  app.add_flag("--restart-on-reopen", o.faults.restart_on_reopen,
               "fault: the board reboots when the port comes back");
  app.add_option("--behaviour", o.behaviour, "normal, silent (never answers) or garbage")
      ->check(CLI::IsMember({"normal", "silent", "garbage"}))
      ->capture_default_str();
  app.add_option("--protocol-version", o.board.protocol_version,
                 "protocol version the board speaks (test other hosts)")
      ->check(CLI::Range(0, 255));
  app.add_flag("--autostart", o.board.autostart, "stream without waiting for START");
  app.add_option("--speed", o.board.speed,
                 "play faster than real time by this factor (device clock unchanged; tests)")
      ->check(CLI::Range(0.1, 50.0))
      ->capture_default_str();
}

SimOptions resolve_options(const SimOptions& o) {
  SimOptions opt = o;
  opt.signal.artifacts = ArtifactConfig::parse(o.artifacts);
  opt.signal.artifacts.mains_hz = o.signal.artifacts.mains_hz;
  opt.signal.artifacts.mains_uv = o.signal.artifacts.mains_uv;
  if (!o.loose.empty())
    opt.signal.loose_channel = o.loose == "glute" ? 0 : o.loose == "hamstring" ? 1 : 2;
  opt.board.behaviour = o.behaviour == "silent"    ? BoardConfig::Behaviour::kSilent
                        : o.behaviour == "garbage" ? BoardConfig::Behaviour::kGarbage
                                                   : BoardConfig::Behaviour::kNormal;
  opt.scenario.seed = o.signal.seed;
  const auto muscle_index = [](const std::string& m) {
    if (m == "glute") return 0;
    if (m == "hamstring") return 1;
    if (m == "lumbar") return 2;
    throw InvalidArgument(fmt::format("no muscle '{}' (glute, hamstring or lumbar)", m));
  };
  if (!o.swap.empty()) {
    opt.signal.swap_a = muscle_index(o.swap.at(0));
    opt.signal.swap_b = muscle_index(o.swap.at(1));
  }
  if (!o.mount_deg.empty())
    opt.signal.mount_deg = {o.mount_deg.at(0), o.mount_deg.at(1), o.mount_deg.at(2)};
  if (o.calibration) {
    opt.actor.seed = o.signal.seed;
    opt.actor.with_imu = opt.board.imu_rate_hz > 0;
    if (!o.weak_trial.empty()) {
      const auto colon = o.weak_trial.find(':');
      if (colon == std::string::npos)
        throw InvalidArgument("--weak-trial takes MUSCLE:N, e.g. glute:2");
      opt.actor.weak_muscle = muscle_index(o.weak_trial.substr(0, colon));
      try {
        opt.actor.weak_trial = std::stoi(o.weak_trial.substr(colon + 1));
      } catch (const std::exception&) {
        throw InvalidArgument("--weak-trial takes MUSCLE:N, e.g. glute:2");
      }
    }
    opt.scenario.calibration = std::make_shared<CalibrationActor>(opt.actor);
  }
  return opt;
}

std::ofstream open_private(const std::string& path) {
  const mode_t old = ::umask(077);  // ground truth describes a (simulated) person: private
  std::ofstream f(path, std::ios::trunc | std::ios::binary);
  ::umask(old);
  if (!f) throw IoError(fmt::format("cannot write {}", path));
  return f;
}

SimBoard make_board(const SimOptions& o) {
  const SimOptions opt = resolve_options(o);
  SimBoard out;
  out.board = std::make_unique<VirtualBoard>(opt.board, opt.signal, parse_script(o.script, o.stage),
                                             opt.scenario, opt.faults);
  if (!o.truth_path.empty()) {
    const mode_t old = ::umask(077);  // ground truth describes a (simulated) person: private
    out.truth = std::make_unique<std::ofstream>(o.truth_path, std::ios::trunc);
    ::umask(old);
    if (!*out.truth) throw IoError(fmt::format("cannot write {}", o.truth_path));
    nlohmann::json h;
    h["type"] = "header";
    h["emg_rate_hz"] = opt.board.emg_rate_hz;
    h["imu_rate_hz"] = opt.board.imu_rate_hz;
    h["snr_db"] = opt.signal.snr_db;
    h["artifacts"] = o.artifacts;
    h["script"] = o.script;
    h["seed"] = opt.signal.seed;
    h["ramp_ms"] = opt.scenario.ramp_ms;
    h["gap_ms"] = opt.scenario.gap_ms;
    h["tolerance_ms"] = opt.scenario.tolerance_ms;
    h["time_base"] = "seconds from device sample 0 (index / emg_rate_hz)";
    *out.truth << h.dump() << '\n' << std::flush;
    std::ofstream* file = out.truth.get();
    if (o.calibration) {
      nlohmann::json steps = nlohmann::json::array();
      for (const auto& st : opt.scenario.calibration->plan().steps())
        steps.push_back({{"type", "calibration_step"},
                         {"step", calibration::to_string(st.kind)},
                         {"muscle", st.muscle},
                         {"trial", st.trial},
                         {"repeat", st.repeat},
                         {"start_s", st.start_s},
                         {"end_s", st.end_s}});
      for (const auto& st : steps) *out.truth << st.dump() << '\n';
      *out.truth << std::flush;
    }
    out.board->on_new_rep([file](const RepTruth& r) {
      *file << rep_truth_json(r) << '\n' << std::flush;
    });
  }
  return out;
}

}  // namespace fpt::sim
