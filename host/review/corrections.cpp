#include "corrections.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error.hpp"
#include "private_file.hpp"

namespace fpt::review {
namespace {

namespace fs = std::filesystem;

fs::path file_of(const fs::path& dir) {
  return dir / "corrections.json";
}

nlohmann::json to_json(const Correction& c) {
  return {{"rep", c.rep},
          {"muscle", c.muscle},
          {"onset_s", std::isfinite(c.onset_s) ? nlohmann::json(c.onset_s) : nullptr},
          {"note", c.note},
          {"created_utc", c.created_utc}};
}

}  // namespace

std::vector<Correction> read_corrections(const fs::path& session_dir) {
  const fs::path path = file_of(session_dir);
  std::vector<Correction> out;
  if (!fs::exists(path)) return out;
  std::ifstream in(path);
  try {
    const auto j = nlohmann::json::parse(in);
    for (const auto& e : j.at("corrections")) {
      Correction c;
      c.rep = e.at("rep");
      c.muscle = e.at("muscle");
      c.onset_s = e.at("onset_s").is_null() ? std::nan("") : e.at("onset_s").get<double>();
      c.note = e.value("note", "");
      c.created_utc = e.value("created_utc", "");
      if (c.muscle != "glute" && c.muscle != "hamstring" && c.muscle != "lumbar")
        throw FormatError(fmt::format("unknown muscle '{}'", c.muscle));
      out.push_back(c);
    }
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(fmt::format("{}: {}", path.string(), e.what()));
  } catch (const FormatError& e) {
    throw FormatError(fmt::format("{}: {}", path.string(), e.what()));
  }
  return out;
}

void append_correction(const fs::path& session_dir, const Correction& c) {
  auto all = read_corrections(session_dir);
  all.push_back(c);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : all) list.push_back(to_json(e));
  const std::string text =
      nlohmann::json{{"format", "fpt-corrections"}, {"version", 1}, {"corrections", list}}.dump(2) +
      "\n";
  replace_private_file(file_of(session_dir).string(), text);
}

}  // namespace fpt::review
