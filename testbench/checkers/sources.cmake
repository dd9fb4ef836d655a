# NICSIM_CHECKER_SOURCES: the protocol checker .sv files to add to a nic_top model's SOURCES after
# rtl/files.f (checker modules, then the bind file). Included by testbench/checkers/CMakeLists.txt
# and by verilated/configs.cmake (which runs first: every nicsim_models configuration has the
# checkers bound), so the list is written once.
include_guard(GLOBAL)
set(NICSIM_CHECKER_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/axi4_master_checker.sv
    ${CMAKE_CURRENT_LIST_DIR}/axil_slave_checker.sv
    ${CMAKE_CURRENT_LIST_DIR}/axis_checker.sv
    ${CMAKE_CURRENT_LIST_DIR}/nic_irq_cover.sv
    ${CMAKE_CURRENT_LIST_DIR}/nic_top_checkers.sv
    CACHE INTERNAL "protocol checker sources, bind file last (testbench/checkers)")
