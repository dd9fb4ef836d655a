# systemc.cmake: SystemC 2.3.4 and the SystemC model of one NIC configuration.
#
#   NICSIM_SYSTEMC_CONFIG  cache: the configuration dw<DATA_WIDTH>_q<NUM_QUEUES> verilated with
#                          --sc for the SystemC top (default dw64_q4). Any name configs.cmake
#                          accepts; it need not be in NICSIM_DUT_CONFIGS.
#
#   NICSIM_SYSTEMC         option (ON): build the SystemC model and top at all. tools/run turns it
#                          off in its lean build (the default run needs neither); a nicsim without
#                          it refuses `--top systemc` with one line.
#
# Produces:
#   nicsim::systemc_lib    INTERFACE: SystemC and TLM-2.0 headers and libsystemc (pkg-config), with
#                          SC_CPLUSPLUS set to the C++ standard libsystemc was built for (see below).
#                          Everything that includes <systemc> links it.
#   nicsim_sc_model        STATIC: nic_top of NICSIM_SYSTEMC_CONFIG as an sc_module (class
#                          Vnic_sc_<cfg>, header "Vnic_sc_<cfg>.h"), from the same sources and flags
#                          as nicsim_models (rtl/files.f, NICSIM_VERILATOR_ARGS, protocol checkers
#                          bound), linked against the shared nicsim_verilated_runtime and
#                          nicsim::checkers. Not built when no configuration verilates cleanly
#                          (configs.cmake then warns and "testbench sim: models built" fails).
#   NICSIM_SC_MODEL_CLASS, NICSIM_SC_DATA_WIDTH, NICSIM_SC_NUM_QUEUES
#                          cache (internal): what systemc/ needs to name the model.
#
# Why SC_CPLUSPLUS: SystemC 2.3.4 pins the C++ standard its headers were compiled with into a
# symbol (sc_api_version_2_3_4_cxx<__cplusplus>); Debian builds libsystemc as C++17 and we build
# C++20, which would not link. The headers allow SC_CPLUSPLUS to be set to the library's value;
# we read that value out of the library itself rather than assume it.
#
# The runtime: the SystemC model shares nicsim_verilated_runtime with the C++ models (so both tops
# can live in one executable). Verilator 5.006's runtime sources do not depend on VM_SC; only the
# inline VerilatedContext::timeprecision() in verilated.h checks the SystemC time resolution under
# VM_SC, and the SystemC model's own translation units (compiled with VM_SC=1) carry that check.
include_guard(GLOBAL)

set(NICSIM_SYSTEMC_CONFIG "dw64_q4" CACHE STRING
    "NIC configuration (dw<DATA_WIDTH>_q<NUM_QUEUES>) verilated for the SystemC top")

function(_nicsim_systemc_lib)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(SystemC REQUIRED IMPORTED_TARGET GLOBAL systemc)
  find_library(_nicsim_libsystemc NAMES systemc HINTS ${SystemC_LIBRARY_DIRS} REQUIRED)
  file(STRINGS ${_nicsim_libsystemc} api REGEX "sc_api_version_[0-9_]+cxx[0-9]+L" LIMIT_COUNT 1)
  if(NOT api MATCHES "sc_api_version_[0-9_]+cxx([0-9]+L)")
    message(FATAL_ERROR "systemc.cmake: cannot find the sc_api_version symbol in ${_nicsim_libsystemc} "
                        "(to learn the C++ standard libsystemc was built with)")
  endif()
  add_library(nicsim_systemc_lib INTERFACE)
  add_library(nicsim::systemc_lib ALIAS nicsim_systemc_lib)
  target_link_libraries(nicsim_systemc_lib INTERFACE PkgConfig::SystemC)
  target_compile_definitions(nicsim_systemc_lib INTERFACE SC_CPLUSPLUS=${CMAKE_MATCH_1})
  message(STATUS "SystemC ${SystemC_VERSION}: ${_nicsim_libsystemc} (built as C++ ${CMAKE_MATCH_1})")
endfunction()

function(_nicsim_systemc_model)
  set(cfg ${NICSIM_SYSTEMC_CONFIG})
  if(NOT cfg MATCHES "^dw([0-9]+)_q([0-9]+)$")
    message(FATAL_ERROR "NICSIM_SYSTEMC_CONFIG: '${cfg}' is not named dw<DATA_WIDTH>_q<NUM_QUEUES>")
  endif()
  set(width ${CMAKE_MATCH_1})
  set(queues ${CMAKE_MATCH_2})
  get_property(sources GLOBAL PROPERTY NICSIM_DUT_SOURCES)
  if(NOT sources)
    message(STATUS "nicsim_sc_model: no NIC configuration was built; the SystemC model is not either")
    return()
  endif()
  set(args ${NICSIM_VERILATOR_ARGS} -GDATA_WIDTH=${width} -GNUM_QUEUES=${queues}
      ${NICSIM_DUT_EXTRA_VERILATOR_ARGS})
  if(NOT cfg IN_LIST NICSIM_DUT_CONFIGS)
    _nicsim_dut_lint(${cfg} ok ${args} ${sources})
    if(NOT ok)
      return()
    endif()
  endif()

  find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT})
  add_library(nicsim_sc_model STATIC)
  nicsim_verilate_on_configure(nicsim_sc_model Vnic_sc_${cfg} ${sources})
  verilate(nicsim_sc_model SYSTEMC
    PREFIX Vnic_sc_${cfg}
    TOP_MODULE nic_top
    SOURCES ${sources}
    VERILATOR_ARGS ${args}
    OPT_SLOW -O1)
  nicsim_finish_model_library(nicsim_sc_model Vnic_sc_${cfg})
  target_link_libraries(nicsim_sc_model PUBLIC nicsim::checkers nicsim::systemc_lib)

  set(NICSIM_SC_MODEL_CLASS Vnic_sc_${cfg} CACHE INTERNAL "class of the SystemC NIC model")
  set(NICSIM_SC_DATA_WIDTH ${width} CACHE INTERNAL "DATA_WIDTH of the SystemC NIC model")
  set(NICSIM_SC_NUM_QUEUES ${queues} CACHE INTERNAL "NUM_QUEUES of the SystemC NIC model")
endfunction()

option(NICSIM_SYSTEMC "build the SystemC model and the SystemC top" ON)
if(NICSIM_SYSTEMC)
  _nicsim_systemc_lib()
  _nicsim_systemc_model()
else()
  message(STATUS "NICSIM_SYSTEMC is OFF: no SystemC model and no SystemC top in this build")
endif()
