// The object that carries the test programs' shared precompiled header (tests/CMakeLists.txt).
