// onsets.csv and reps.csv: every onset with its rep, every rep with its verdict.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "session_tables.hpp"

namespace fpt::cue {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

dsp::OnsetEvent onset(dsp::OnsetEvent::Kind k, std::uint64_t index, std::uint64_t decision) {
  dsp::OnsetEvent e;
  e.kind = k;
  e.index = index;
  e.decision_index = decision;
  return e;
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("lumbar fired 42 ms before glute"), "lumbar fired 42 ms before glute");
  EXPECT_EQ(csv_field("a, b"), "\"a, b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(SessionTables, OnsetsCarryTheirRepAndRefinedTime) {
  const fs::path dir = fs::temp_directory_path() / ("fpt-tables-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    SessionTables t(dir.string());
    using K = dsp::OnsetEvent::Kind;
    // The glute's onset opens rep 1: the rep starts after it (same sample), then refinement.
    t.on_onset(session::Muscle::kGlute, onset(K::kOnset, 1000, 1030), 1000.0);
    session::RepEvent start;
    start.kind = session::RepEvent::Kind::kRepStart;
    start.rep = 1;
    t.on_rep_event(start);
    t.on_onset(session::Muscle::kHamstring, onset(K::kOnset, 1080, 1090), 1000.0);
    t.on_onset(session::Muscle::kGlute, onset(K::kRefined, 995, 1150), 1000.0);
    session::RepEvent end;
    end.kind = session::RepEvent::Kind::kRepEnd;
    end.rep = 1;
    end.start_s = 0.995;
    end.t_s = 3.5;
    end.onsets = {0.995, 1.08, std::nullopt};
    end.verdict = {false, "lumbar never, say, fired", "x"};
    session::RepProgress p;
    p.order = "glute > hamstring; lumbar silent";
    t.on_rep_end(end, p);
    t.on_summary({});  // the hamstring was never refined: written with its estimate
  }
  const std::string onsets = slurp(dir / "onsets.csv");
  EXPECT_EQ(onsets,
            "rep,muscle,onset_s,decision_s\n1,glute,0.9950,1.0300\n1,hamstring,1.0800,1.0900\n");
  const std::string reps = slurp(dir / "reps.csv");
  EXPECT_EQ(reps.substr(0, reps.find('\n')),
            "rep,start_s,end_s,verdict,reason,fault,glute_s,hamstring_s,lumbar_s,cue_s,"
            "changed_after_cue,order,lumbar_rel_rest,peak_pitch_deg");
  EXPECT_NE(reps.find("1,0.9950,3.5000,restart,\"lumbar never, say, fired\",x,0.9950,1.0800,,,0,"
                      "glute > hamstring; lumbar silent,"),
            std::string::npos)
      << reps;
  const auto perms = fs::status(dir / "reps.csv").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fpt::cue
