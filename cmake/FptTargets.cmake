# Helpers so every fpt target is declared the same way.

# fpt_warnings(<target>): strict warnings, errors when FPT_WERROR is on.
function(fpt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(FPT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# fpt_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Builds static library fpt_<name> with alias fpt::<name>; its folder is the public include.
function(fpt_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(fpt_${name} STATIC ${ARG_SOURCES})
  add_library(fpt::${name} ALIAS fpt_${name})
  target_include_directories(fpt_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(fpt_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  fpt_warnings(fpt_${name})
endfunction()
