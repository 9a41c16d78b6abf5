// Typed errors for control paths (opening ports, loading files, parsing options).
// The sample path never throws; it counts. Each error carries one line fit for the user.
#pragma once

#include <stdexcept>
#include <string>

namespace fpt {

/// Base of every error fpt throws; what() is a single line naming the port, file or field.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A caller passed something invalid (bad option, out-of-range setting).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// The operating system refused or failed an operation; the message keeps its reason.
class IoError : public Error {
 public:
  using Error::Error;
};

/// Something that was asked for is not supported (protocol version, feature, format).
class Unsupported : public Error {
 public:
  using Error::Error;
};

/// A peer did not answer in time.
class TimeoutError : public Error {
 public:
  using Error::Error;
};

/// Data broke the rules of its format (malformed frame body, file, or profile).
class FormatError : public Error {
 public:
  using Error::Error;
};

}  // namespace fpt
