// Ctrl-C (SIGINT) and SIGTERM end a command cleanly: handlers only set a flag that the
// command's loop polls.
#pragma once

namespace fpt::app {

void install_stop_handlers();
[[nodiscard]] bool stop_requested();
/// Asks the running command to finish (as if Ctrl-C had been pressed).
void request_stop();

}  // namespace fpt::app
