# configs.cmake: the NIC configurations the co-simulation builds, all in ONE library.
#
#   NICSIM_DUT_CONFIGS   cache list of configuration names dw<DATA_WIDTH>_q<NUM_QUEUES>
#                        (default: every configuration below). Trim it while iterating, e.g.
#                        -DNICSIM_DUT_CONFIGS=dw64_q4, to verilate and compile only one.
#
# Produces:
#   nicsim_models        STATIC library: one verilated nic_top per configuration (model class
#                        Vnic_<name>, header "Vnic_<name>.h"), FST tracing compiled in (off until
#                        a run opens a trace file), linked once against nicsim_verilated_runtime;
#                        and for each configuration of NICSIM_DUT_UNTRACED_CONFIGS a second model
#                        verilated without tracing (Vnic_<name>_untraced), for runs that open no
#                        trace.
#   global property NICSIM_DUT_UNTRACED_BUILT
#                        the configurations that have the untraced model too.
#   global property NICSIM_DUT_CONFIGS_BUILT
#                        the configurations actually in nicsim_models; testbench/dut generates one
#                        adapter per entry. Empty when a configuration does not verilate cleanly
#                        (see below).
#   nicsim_config_test_spec(<out-var>)
#                        a Catch2 test spec that leaves out tests tagged with a configuration
#                        this build does not have (tag them [dw512_q4] etc. and pass the spec as
#                        catch_discover_tests' TEST_SPEC): such a test is not registered at all,
#                        so it never "passes" without running.
#   test "testbench sim: models built"
#                        registered only when no configuration could be built; it fails, pointing
#                        at the configure WARNING.
#
# A nic_top that does not lint cleanly under -Wall (warnings are errors) must not stop everybody's
# configure while the design is in flux: each configuration is first checked with
# `verilator --lint-only` (only when its sources changed since the last check); on failure a
# WARNING shows Verilator's output, NO configuration is built, and "testbench sim: models built"
# fails. NICSIM_DUT_EXTRA_VERILATOR_ARGS (cache, empty) adds arguments for a local experiment in
# one's own build directory; never set it in a shared build or CI.
#
# Every configuration is verilated from rtl/files.f with top nic_top and the flags of every nicsim
# model (NICSIM_VERILATOR_ARGS: --assert -Wall -O3 --x-assign fast --x-initial fast) plus its
# parameters, with the protocol checkers bound (testbench/checkers: ${NICSIM_CHECKER_SOURCES} after
# rtl/files.f, the library links nicsim::checkers): checkers are always on in the co-simulation,
# the first violation throws nicsim::checkers::ProtocolViolation out of eval(). The generated C++
# is not ours and gets no -Werror (it does not link nicsim::warnings).
include_guard(GLOBAL)

# Every configuration we ship (a global property, so functions called from any directory see it).
set_property(GLOBAL PROPERTY NICSIM_DUT_CONFIGS_KNOWN "dw64_q1;dw64_q4;dw128_q4;dw256_q4;dw512_q4")
get_property(_nicsim_known GLOBAL PROPERTY NICSIM_DUT_CONFIGS_KNOWN)
set(NICSIM_DUT_CONFIGS "${_nicsim_known}"
    CACHE STRING "NIC configurations (dw<DATA_WIDTH>_q<NUM_QUEUES>) built into nicsim_models")

# A model verilated with --trace-fst costs about a tenth more per cycle even while no trace is open:
# Verilator keeps every traced signal as a variable of its own (one store per combinational
# signal that would otherwise be folded into the expressions that read it) and flags activity for
# the trace. The configurations listed here get a second model without tracing, which
# dut::make_dut(name, Tracing::never) returns: the co-simulation takes it whenever the run opens
# no trace (docs/performance.md, "The untraced model"). Each costs one more model to compile; the
# default is the configuration of the default run. Entries not in NICSIM_DUT_CONFIGS are ignored
# (a build trimmed to other configurations builds none). A coverage build has none by default:
# its runs count coverage in the traced model.
if(NICSIM_COVERAGE)
  set(_nicsim_untraced_default "")
else()
  set(_nicsim_untraced_default "dw64_q4")
endif()
set(NICSIM_DUT_UNTRACED_CONFIGS "${_nicsim_untraced_default}" CACHE STRING
    "NIC configurations that also get a model without FST tracing, for runs that open no trace")

set(NICSIM_DUT_EXTRA_VERILATOR_ARGS "" CACHE STRING
    "local experiments only: extra Verilator arguments for the nic_top configurations")

# FST writer threads compiled into every configuration (Verilator --trace-threads: 0 = the
# simulation thread writes the trace, 1 = the FST writer's own thread, 2 = and the trace data is
# rendered on another). The choice is made at verilation, not at run time; `nicsim run
# --trace-threads N` checks it. See docs/performance.md "Tracing cost" for what each costs.
set(NICSIM_DUT_TRACE_THREADS 0 CACHE STRING "FST trace threads of every nic_top configuration (0, 1 or 2)")
if(NOT NICSIM_DUT_TRACE_THREADS MATCHES "^[012]$")
  message(FATAL_ERROR "NICSIM_DUT_TRACE_THREADS: '${NICSIM_DUT_TRACE_THREADS}' is not 0, 1 or 2")
endif()

set_property(GLOBAL PROPERTY NICSIM_DUT_CONFIGS_BUILT "")
set_property(GLOBAL PROPERTY NICSIM_DUT_UNTRACED_BUILT "")

# NICSIM_COVERAGE: what every configuration counts (the model writes it: `nicsim run --coverage-dir`).
# NICSIM_COVERAGE_TOGGLE OFF leaves toggle coverage out: runs about ten times faster, for line
# coverage of a large plan (docs/coverage.md, "Cost").
option(NICSIM_COVERAGE_TOGGLE "Coverage build: count toggle coverage in the models too" ON)
set(NICSIM_DUT_COVERAGE_ARGS --coverage-line --coverage-user)
if(NICSIM_COVERAGE_TOGGLE)
  list(APPEND NICSIM_DUT_COVERAGE_ARGS --coverage-toggle)
endif()

# Lint one configuration unless its command and sources are unchanged since the last clean
# check. Sets <ok_var> TRUE/FALSE in the caller's scope.
function(_nicsim_dut_lint cfg ok_var)
  set(cmd ${VERILATOR_BIN} --lint-only --top nic_top ${ARGN})
  set(digest "${cmd}")
  foreach(src IN LISTS ARGN)
    if(EXISTS "${src}")
      file(SHA256 "${src}" h)
      string(APPEND digest " ${h}")
    endif()
  endforeach()
  string(SHA256 digest "${digest}")
  set(stamp ${CMAKE_BINARY_DIR}/verilated/nicsim_models_lint_${cfg}.ok)
  if(EXISTS ${stamp})
    file(READ ${stamp} previous)
    if(previous STREQUAL digest)
      set(${ok_var} TRUE PARENT_SCOPE)
      return()
    endif()
  endif()
  execute_process(COMMAND ${cmd} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc)
    string(REPLACE ";" " " readable "${cmd}")
    message(WARNING "nicsim_models: configuration ${cfg} does not verilate cleanly, so NO NIC configuration "
                    "is built ('testbench sim: models built' fails until it does).\n${readable}\n${out}")
    file(REMOVE ${stamp})
    set(${ok_var} FALSE PARENT_SCOPE)
    return()
  endif()
  file(WRITE ${stamp} "${digest}")
  set(${ok_var} TRUE PARENT_SCOPE)
endfunction()

function(_nicsim_dut_models)
  # rtl/files.f: one path per line relative to the project root, '#' comments.
  file(STRINGS ${PROJECT_SOURCE_DIR}/rtl/files.f lines)
  set(sources)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "#.*$" "" line "${line}")
    string(STRIP "${line}" line)
    if(line)
      list(APPEND sources ${PROJECT_SOURCE_DIR}/${line})
    endif()
  endforeach()
  include(${PROJECT_SOURCE_DIR}/testbench/checkers/sources.cmake)
  list(APPEND sources ${NICSIM_CHECKER_SOURCES})  # protocol checkers bound into nic_top, always on

  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})
  foreach(cfg IN LISTS NICSIM_DUT_CONFIGS)
    if(NOT cfg MATCHES "^dw([0-9]+)_q([0-9]+)$")
      message(FATAL_ERROR "NICSIM_DUT_CONFIGS: '${cfg}' is not named dw<DATA_WIDTH>_q<NUM_QUEUES>")
    endif()
    set(args_${cfg} ${NICSIM_VERILATOR_ARGS} -GDATA_WIDTH=${CMAKE_MATCH_1} -GNUM_QUEUES=${CMAKE_MATCH_2}
        ${NICSIM_DUT_EXTRA_VERILATOR_ARGS})
    if(NICSIM_COVERAGE)  # docs/coverage.md: what is counted, and what is left out and why
      list(APPEND args_${cfg} ${NICSIM_DUT_COVERAGE_ARGS})
    endif()
    _nicsim_dut_lint(${cfg} ok ${args_${cfg}} ${sources})
    if(NOT ok)
      return()
    endif()
  endforeach()

  if(NOT NICSIM_DUT_CONFIGS)
    message(STATUS "NICSIM_DUT_CONFIGS is empty: no NIC model is built (enough for tools/fuzz, not for the "
                   "co-simulation and its tests)")
    return()
  endif()
  _nicsim_verilated_runtime()
  add_library(nicsim_models STATIC)
  # The coverage flavour's models are large (a counter per toggle point) and compiled for each
  # coverage build: their fast path at -O1 compiles in about half the time, and its runs are
  # dominated by the counting anyway (docs/coverage.md, "Cost").
  set(opt_fast)
  if(NICSIM_COVERAGE)
    set(opt_fast OPT_FAST -O1)
  endif()
  set(built)
  foreach(cfg IN LISTS NICSIM_DUT_CONFIGS)
    set(trace_threads)
    if(NICSIM_DUT_TRACE_THREADS GREATER 0)
      set(trace_threads TRACE_THREADS ${NICSIM_DUT_TRACE_THREADS})
    endif()
    nicsim_verilate_on_configure(nicsim_models Vnic_${cfg} ${sources})
    verilate(nicsim_models TRACE_FST ${trace_threads}
      PREFIX Vnic_${cfg}
      TOP_MODULE nic_top
      SOURCES ${sources}
      VERILATOR_ARGS ${args_${cfg}}
      OPT_SLOW -O1 ${opt_fast})
    list(APPEND built ${cfg})
  endforeach()
  list(TRANSFORM built PREPEND Vnic_ OUTPUT_VARIABLE prefixes)

  # The untraced twins: the same sources and arguments, no TRACE_FST (no lint of their own: the
  # traced model's check above covers the same command without --trace-fst).
  set(untraced)
  foreach(cfg IN LISTS NICSIM_DUT_UNTRACED_CONFIGS)
    if(NOT cfg IN_LIST built OR cfg IN_LIST untraced)
      continue()
    endif()
    nicsim_verilate_on_configure(nicsim_models Vnic_${cfg}_untraced ${sources})
    verilate(nicsim_models
      PREFIX Vnic_${cfg}_untraced
      TOP_MODULE nic_top
      SOURCES ${sources}
      VERILATOR_ARGS ${args_${cfg}}
      OPT_SLOW -O1 ${opt_fast})
    list(APPEND untraced ${cfg})
    list(APPEND prefixes Vnic_${cfg}_untraced)
  endforeach()

  nicsim_finish_model_library(nicsim_models ${prefixes})
  target_link_libraries(nicsim_models PUBLIC nicsim::checkers)
  set_property(GLOBAL PROPERTY NICSIM_DUT_CONFIGS_BUILT "${built}")
  set_property(GLOBAL PROPERTY NICSIM_DUT_UNTRACED_BUILT "${untraced}")
  # The same sources for verilated/systemc.cmake (the SystemC model of one configuration).
  set_property(GLOBAL PROPERTY NICSIM_DUT_SOURCES "${sources}")
endfunction()

_nicsim_dut_models()

get_property(_nicsim_built GLOBAL PROPERTY NICSIM_DUT_CONFIGS_BUILT)
if(NICSIM_DUT_CONFIGS AND NOT _nicsim_built)  # configurations chosen, and one did not verilate
  add_test(NAME "testbench sim: models built" COMMAND sh -c
           "echo 'no nic_top configuration was built: see the nicsim_models WARNING of the last cmake configure'; exit 1")
endif()

function(nicsim_config_test_spec out_var)
  get_property(built GLOBAL PROPERTY NICSIM_DUT_CONFIGS_BUILT)
  # Every configuration name a test may be tagged with: the ones we ship and any chosen here.
  get_property(known GLOBAL PROPERTY NICSIM_DUT_CONFIGS_KNOWN)
  get_property(chosen CACHE NICSIM_DUT_CONFIGS PROPERTY VALUE)
  list(APPEND known ${chosen})
  list(REMOVE_DUPLICATES known)
  set(spec "")
  foreach(cfg IN LISTS known)
    if(NOT cfg IN_LIST built)
      string(APPEND spec "~[${cfg}]")
    endif()
  endforeach()
  set(${out_var} "${spec}" PARENT_SCOPE)
endfunction()
