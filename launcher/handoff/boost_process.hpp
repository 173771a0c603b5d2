#pragma once
// Boost.Process v1, the one way taplaunch starts a child process (the supervised emulator,
// host/program_output's programs), from Boost 1.74 (Debian bookworm) to current releases: the
// one place that knows where it lives. Boost 1.86 put v1
// under boost/process/v1/ (namespace boost::process::v1), and from 1.88 the old paths bring v2.

#include <boost/version.hpp>

#if BOOST_VERSION >= 108800 || __has_include(<boost/process/v1/child.hpp>)
#include <boost/process/v1/args.hpp>
#include <boost/process/v1/child.hpp>
#include <boost/process/v1/env.hpp>
#include <boost/process/v1/environment.hpp>
#include <boost/process/v1/exe.hpp>
#include <boost/process/v1/extend.hpp>
namespace taplaunch::bp {
using namespace boost::process::v1;
}
#else
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
namespace taplaunch::bp {
using namespace boost::process;
}
#endif
