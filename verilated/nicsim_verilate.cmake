# nicsim_verilate_block: turn one RTL block into a static C++ model library for a unit test.
#
#   nicsim_verilate_block(<target>
#       TOP <module>                    # top module of the model
#       SOURCES <file.sv> ...           # relative paths resolve against the project root
#                                       # (like rtl/files.f); rtl/nic_pkg.sv is prepended for you
#       [PARAMS -GNAME=VALUE ...]       # top-level parameter overrides
#       [ARGS <verilator args> ...]     # extra Verilator arguments (never -Wno-fatal)
#       [TRACE_FST])                    # build with FST tracing (VerilatedFstC)
#
# Produces STATIC library <target> holding the model class V<target> (characters that are not
# valid in a C++ identifier become '_'), header "V<target>.h"; the variable <target>_PREFIX is
# set in the caller's scope to that class name. Several models (other blocks, or the same block
# with other PARAMS) coexist in one executable: each has its own prefix, and the Verilator
# runtime (verilated.cpp, threads, FST writer) is one shared library, nicsim_verilated_runtime,
# linked by every model.
#
# Every model is verilated with `--assert -Wall -O3 --x-assign fast --x-initial fast`: lint
# warnings are errors (no -Wno-fatal on our RTL), so a block that does not lint does not
# configure/build. The generated C++ is compiled WITHOUT nicsim::warnings (it is not ours);
# your test .cpp files link nicsim::warnings themselves. Example (rtl/tests/common/CMakeLists.txt
# does the same for each common block):
#
#   nicsim_verilate_block(rtl_fifo_model TOP nic_fifo SOURCES rtl/nic_fifo.sv
#                         PARAMS -GWIDTH=72 -GDEPTH=16)
#   add_executable(rtl_fifo_test fifo_test.cpp)
#   target_link_libraries(rtl_fifo_test PRIVATE rtl_fifo_model nicsim::warnings nicsim_catch_main)
#   catch_discover_tests(rtl_fifo_test TEST_PREFIX "rtl fifo: ")
#
#   // fifo_test.cpp
#   #include "Vrtl_fifo_model.h"
#
# Note: verilate() runs Verilator at configure time to learn the generated file names, and
# nicsim_verilate_on_configure() makes an RTL edit re-run configure and Verilator with it, so a
# lint error in a block shows up as a configure error naming the Verilator command and its output.
include_guard(GLOBAL)

find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)

# Flags every nicsim model is verilated with.
set(NICSIM_VERILATOR_ARGS --assert -Wall -O3 --x-assign fast --x-initial fast
    CACHE INTERNAL "Verilator arguments of every nicsim model")

# The Verilator runtime, built once and shared by every model (generated code: no -Werror).
function(_nicsim_verilated_runtime)
  if(TARGET nicsim_verilated_runtime)
    return()
  endif()
  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})
  add_library(nicsim_verilated_runtime STATIC
    ${VERILATOR_ROOT}/include/verilated.cpp
    ${VERILATOR_ROOT}/include/verilated_threads.cpp
    ${VERILATOR_ROOT}/include/verilated_fst_c.cpp)
  target_include_directories(nicsim_verilated_runtime SYSTEM PUBLIC
    ${VERILATOR_ROOT}/include ${VERILATOR_ROOT}/include/vltstd)
  target_compile_definitions(nicsim_verilated_runtime PRIVATE VM_TRACE_FST=1)
  if(NICSIM_COVERAGE)  # the coverage models' counters and their writer (VerilatedCovContext)
    target_sources(nicsim_verilated_runtime PRIVATE ${VERILATOR_ROOT}/include/verilated_cov.cpp)
  endif()
  # verilated_fst_c.cpp compiles gtkwave's fstapi.c (with lz4.c and fastlz.c) into itself:
  # third-party C whose varint writer stores unaligned words on purpose. Sanitizer builds keep
  # AddressSanitizer on it but not UndefinedBehaviorSanitizer, as for our own copy of fstapi
  # (waves/CMakeLists.txt); Verilator's runtime is otherwise checked like our code.
  if(NICSIM_SANITIZE OR NICSIM_FUZZ)
    set_source_files_properties(${VERILATOR_ROOT}/include/verilated_fst_c.cpp PROPERTIES
                                COMPILE_OPTIONS -fno-sanitize=undefined)
  endif()
  target_link_libraries(nicsim_verilated_runtime PUBLIC Threads::Threads ZLIB::ZLIB)
endfunction()

# Sanitizer builds: a model's trace code (the generated *__Trace__*.cpp, inlining verilated_trace.h)
# loads 64-bit values from Verilator's 32-bit trace buffers at 4-byte alignment, on purpose; UBSan's
# alignment check is off for those files only (the rest of the model keeps every check).
function(_nicsim_unsanitized_trace_sources target)
  if(NOT (NICSIM_SANITIZE OR NICSIM_FUZZ))
    return()
  endif()
  get_target_property(srcs ${target} SOURCES)
  list(FILTER srcs INCLUDE REGEX "__Trace__")
  if(srcs)
    set_source_files_properties(${srcs} PROPERTIES COMPILE_OPTIONS -fno-sanitize=alignment)
  endif()
endfunction()

# Compiles one model's generated files as a few translation units, one per set of per-file flags
# (the fast code at the build's optimisation, the slow code and the trace setup at OPT_SLOW's),
# the way Verilator's own makefiles build Vtop__ALL.cpp: the generated files are written to be
# concatenated. One unit per file parses verilated.h and the model's headers again for each, which
# doubled every model's compile time (docs/performance.md, "Build"). The generated files stay in the
# target as headers so that the command that writes them still runs when an RTL source changes.
function(_nicsim_compile_model_as_units target prefix)
  get_target_property(srcs ${target} SOURCES)
  get_target_property(binary_dir ${target} BINARY_DIR)
  set(model_dir "${binary_dir}/CMakeFiles/${target}.dir/${prefix}.dir")
  list(FILTER srcs INCLUDE REGEX "^${model_dir}/[^/]*\\.cpp$")
  set(keys)
  foreach(src IN LISTS srcs)
    get_source_file_property(flags "${src}" COMPILE_FLAGS)
    get_source_file_property(options "${src}" COMPILE_OPTIONS)
    foreach(var flags options)
      if(NOT ${var})
        set(${var} "")
      endif()
    endforeach()
    string(MD5 key "${flags}|${options}")
    if(NOT key IN_LIST keys)
      list(APPEND keys ${key})
      set(flags_${key} "${flags}")
      set(options_${key} "${options}")
      set(files_${key})
    endif()
    list(APPEND files_${key} "${src}")
  endforeach()
  set(index 0)
  foreach(key IN LISTS keys)
    math(EXPR index "${index} + 1")
    set(unit "${binary_dir}/CMakeFiles/${target}.dir/${prefix}__unit${index}.cpp")
    set(content "// Generated by nicsim_verilate.cmake: ${prefix}'s files compiled with \"${flags_${key}}\".\n")
    foreach(file IN LISTS files_${key})
      string(APPEND content "#include \"${file}\"\n")
    endforeach()
    file(CONFIGURE OUTPUT "${unit}" CONTENT "${content}" @ONLY)  # rewritten only when it changes
    set_source_files_properties(${files_${key}} PROPERTIES HEADER_FILE_ONLY ON)
    target_sources(${target} PRIVATE "${unit}")
    set_source_files_properties("${unit}" PROPERTIES COMPILE_FLAGS "${flags_${key}}"
                                COMPILE_OPTIONS "${options_${key}}" OBJECT_DEPENDS "${files_${key}}")
  endforeach()
  # Units already; CMake's unity build (CMAKE_UNITY_BUILD, tools/run) must not merge the flag sets.
  set_target_properties(${target} PROPERTIES UNITY_BUILD OFF)
endfunction()

# After the verilate() calls of a model library: the shared runtime in place of the copy verilate()
# adds on every call, the per-file flags above, each model compiled as a few units, and the
# generated headers included as system headers (they are not ours: code including them must not
# see their warnings).
function(nicsim_finish_model_library target)
  get_target_property(srcs ${target} SOURCES)
  list(FILTER srcs EXCLUDE REGEX "^${VERILATOR_ROOT}/include/.*\\.cpp$")
  set_property(TARGET ${target} PROPERTY SOURCES ${srcs})
  target_link_libraries(${target} PUBLIC nicsim_verilated_runtime)
  _nicsim_unsanitized_trace_sources(${target})
  foreach(prefix IN LISTS ARGN)
    _nicsim_compile_model_as_units(${target} ${prefix})
  endforeach()
  get_target_property(incs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set_property(TARGET ${target} APPEND PROPERTY INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${incs})
endfunction()

# Call before verilate(<target> PREFIX <prefix> SOURCES <sources>...). verilate() learns the names
# of the generated files when CMake configures and re-runs Verilator at build time when a source
# changes; an RTL edit that changes which files Verilator writes (a constant pool appears, a file
# splits) then fails that build with the old list, and only the next configure reads the new one.
# So an edit re-runs configure first (the sources are configure dependencies), and configure
# re-runs Verilator when a source is newer than its last run: verilate() compares the command
# with the one it saved in verilator_args.txt, and finds it outdated when that file is gone.
function(nicsim_verilate_on_configure target prefix)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARGN})
  get_target_property(binary_dir ${target} BINARY_DIR)
  set(saved_command "${binary_dir}/CMakeFiles/${target}.dir/${prefix}.dir/verilator_args.txt")
  if(NOT EXISTS "${saved_command}")
    return()
  endif()
  foreach(src IN LISTS ARGN)
    if("${src}" IS_NEWER_THAN "${saved_command}")
      file(REMOVE "${saved_command}")
      return()
    endif()
  endforeach()
endfunction()

function(nicsim_verilate_block target)
  cmake_parse_arguments(NVB "TRACE_FST" "TOP" "SOURCES;PARAMS;ARGS" ${ARGN})
  if(NVB_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "nicsim_verilate_block(${target}): unknown arguments: ${NVB_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT NVB_TOP OR NOT NVB_SOURCES)
    message(FATAL_ERROR "nicsim_verilate_block(${target}): TOP and SOURCES are required")
  endif()
  foreach(arg IN LISTS NVB_ARGS)
    if(arg MATCHES "^-Wno-fatal$|^-Wno-lint$|^-Wno-style$")
      message(FATAL_ERROR "nicsim_verilate_block(${target}): ${arg} is not allowed on nicsim RTL")
    endif()
  endforeach()

  # Verilator sees the variables find_package sets only in this scope: look it up here.
  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})
  _nicsim_verilated_runtime()

  set(pkg ${PROJECT_SOURCE_DIR}/rtl/nic_pkg.sv)
  set(sources ${pkg})
  foreach(src IN LISTS NVB_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
    if(NOT abs STREQUAL pkg)
      list(APPEND sources "${abs}")
    endif()
  endforeach()

  string(MAKE_C_IDENTIFIER "V${target}" prefix)
  set(trace_opt)
  if(NVB_TRACE_FST)
    set(trace_opt TRACE_FST)
  endif()

  add_library(${target} STATIC)
  nicsim_verilate_on_configure(${target} ${prefix} ${sources})
  verilate(${target} ${trace_opt}
    PREFIX ${prefix}
    TOP_MODULE ${NVB_TOP}
    SOURCES ${sources}
    VERILATOR_ARGS ${NICSIM_VERILATOR_ARGS} ${NVB_PARAMS} ${NVB_ARGS}
    OPT_SLOW -O1)

  nicsim_finish_model_library(${target} ${prefix})
  set(${target}_PREFIX ${prefix} PARENT_SCOPE)
endfunction()
