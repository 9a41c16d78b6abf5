// `fpt demo`: the virtual board on a pseudo-terminal, followed live by fpt.
#pragma once

#include <iosfwd>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "sim_options.hpp"
#include "train_command.hpp"

namespace fpt::app {

struct DemoOptions {
  sim::SimOptions sim;
  TrainOptions train;
};

void add_demo_options(CLI::App& cmd, DemoOptions& o);
int run_demo(const DemoOptions& o, std::ostream& out);

}  // namespace fpt::app
