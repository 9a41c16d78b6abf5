// A pseudo-terminal pair in raw mode standing in for a USB serial port. The board side keeps
// the master; programs open the slave path (or a stable symlink to it) like a real port.
#pragma once

#include <string>

namespace fpt::sim {

class PseudoTerminal {
 public:
  /// Opens a pair; when link_path is not empty, points that symlink at the slave.
  /// Throws IoError.
  explicit PseudoTerminal(std::string link_path = {});
  ~PseudoTerminal();
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  /// Master side, non-blocking; -1 while unplugged.
  [[nodiscard]] int master_fd() const { return master_; }
  /// What a program should open: the symlink when there is one, else the slave.
  [[nodiscard]] const std::string& path() const { return link_.empty() ? slave_path_ : link_; }
  [[nodiscard]] const std::string& slave_path() const { return slave_path_; }

  /// Closes both sides as if the cable were pulled: readers of the slave get an error, and
  /// the symlink disappears until plug_in().
  void unplug();
  /// A new pair (usually a new /dev/pts number); the symlink follows it.
  void plug_in();
  [[nodiscard]] bool plugged() const { return master_ >= 0; }

 private:
  std::string link_;
  std::string slave_path_;
  int master_ = -1;
  int slave_ = -1;  // held open so data waits for a reader and termios stay raw
};

}  // namespace fpt::sim
