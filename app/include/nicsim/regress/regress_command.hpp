// `nicsim regress PLAN [options]`: every run of a plan's scenarios (plan.hpp), each its own
// `nicsim run` process (launcher.hpp), rolled up into summary.json, junit.xml and a table
// (report.hpp). docs/regress.md is the user's guide.
//
// Exit status: 0 every run passed; 1 a run failed or was refused (or did not run: --fail-fast);
// 2 a bad option, plan or output folder (one line on stderr), nothing run; 128 + N: stopped by
// signal N (130 SIGINT, 143 SIGTERM) after ending the runs in flight, the partial report written.
#pragma once

#include <ostream>
#include <span>
#include <string>

#include "nicsim/regress/plan.hpp"

namespace nicsim::regress {

struct CommandEnvironment {
    PlanContext plan_context;  // what the build offers to check a scenario's options
    std::string self_path;     // the nicsim binary the runs execute unless --nicsim says otherwise
    bool terminal = false;     // stdout is a terminal: a progress line
};

std::string regress_usage();

/// The whole command on `args` (after "regress"). Installs SIGINT/SIGTERM handlers while it runs.
int run_regress_command(std::span<std::string const> args, std::ostream& out, std::ostream& err,
                        CommandEnvironment const& env);

}  // namespace nicsim::regress
