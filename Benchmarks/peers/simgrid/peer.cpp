// Peer benchmark for replsim: N VMs x T upload threads sharing ONE link, in SimGrid s4u.
//
// Workload (identical in replsim, SimGrid and SimPy; see ../README.md):
//   - thread k (k = 0 .. N*T-1, VM-major) starts at k * W / (N*T), where W = RTT + extra wait;
//   - a thread takes the next chunk from its VM's queue while the VM has chunks left, sends it over the
//     shared link (fluid max-min sharing, no per-flow cap, no latency), then sleeps W, and repeats;
//   - makespan = the time the last chunk finishes.
//
// Model: CM02 with latency factor 1, bandwidth factor 1, weight-S 0, TCP gamma 0 (no window bound),
// no cross-traffic, and a link of latency 0, so a transfer of B bytes alone takes exactly B / C seconds
// and n concurrent transfers each get C / n. The settings are forced below (before the platform exists);
// `--cfg=...` options on the command line are still parsed by SimGrid but ours win.
//
// Usage: peer --vms N --threads T --link-bps C --rtt-s R --extra-wait-s E --bytes-per-vm D --chunk-bytes B
// Prints one JSON line: {"tool":"simgrid","makespan_s":...,"transfers":...,"wall_s":...,"cpu_s":...}
// wall_s covers platform creation, actor creation and the simulation, not process start or library loading;
// cpu_s is the process CPU time over the same span (less disturbed than wall_s on a loaded machine).

#include <simgrid/s4u.hpp>

#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

XBT_LOG_NEW_DEFAULT_CATEGORY(replsim_peer, "replsim peer benchmark");

namespace {

struct Params {
  long vms            = 0;
  long threads        = 0;
  double link_bps     = 0; // bits per second
  double rtt_s        = -1;
  double extra_wait_s = -1;
  std::uint64_t bytes_per_vm = 0;
  std::uint64_t chunk_bytes  = 0;
};

[[noreturn]] void fail(const std::string& msg)
{
  std::fprintf(stderr, "peer (simgrid): %s\n", msg.c_str());
  std::exit(2);
}

double parse_double(const std::string& name, const char* text)
{
  char* end    = nullptr;
  double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value))
    fail("option " + name + ": '" + text + "' is not a finite number");
  return value;
}

std::uint64_t parse_u64(const std::string& name, const char* text)
{
  char* end = nullptr;
  if (text[0] == '-')
    fail("option " + name + ": '" + text + "' must not be negative");
  unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0')
    fail("option " + name + ": '" + text + "' is not a whole number");
  return value;
}

Params parse(int argc, char** argv)
{
  Params p;
  std::map<std::string, bool> seen;
  for (int i = 1; i < argc; i++) {
    std::string name = argv[i];
    if (name.rfind("--cfg=", 0) == 0 || name.rfind("--log=", 0) == 0)
      continue; // left for SimGrid (normally already consumed by the Engine)
    if (i + 1 >= argc)
      fail("option " + name + " (argument " + std::to_string(i) + ") needs a value");
    const char* v = argv[++i];
    if (name == "--vms")
      p.vms = static_cast<long>(parse_u64(name, v));
    else if (name == "--threads")
      p.threads = static_cast<long>(parse_u64(name, v));
    else if (name == "--link-bps")
      p.link_bps = parse_double(name, v);
    else if (name == "--rtt-s")
      p.rtt_s = parse_double(name, v);
    else if (name == "--extra-wait-s")
      p.extra_wait_s = parse_double(name, v);
    else if (name == "--bytes-per-vm")
      p.bytes_per_vm = parse_u64(name, v);
    else if (name == "--chunk-bytes")
      p.chunk_bytes = parse_u64(name, v);
    else
      fail("unknown option '" + name + "' (argument " + std::to_string(i - 1) + ")");
    seen[name] = true;
  }
  for (const char* required : {"--vms", "--threads", "--link-bps", "--rtt-s", "--extra-wait-s", "--bytes-per-vm",
                               "--chunk-bytes"})
    if (!seen[required])
      fail(std::string("missing option ") + required);
  if (p.vms < 1 || p.threads < 1)
    fail("--vms and --threads must be at least 1");
  if (p.link_bps <= 0)
    fail("--link-bps must be positive");
  if (p.rtt_s < 0 || p.extra_wait_s < 0)
    fail("--rtt-s and --extra-wait-s must not be negative");
  if (p.chunk_bytes == 0)
    fail("--chunk-bytes must be positive");
  if (p.bytes_per_vm % p.chunk_bytes != 0)
    fail("--bytes-per-vm (" + std::to_string(p.bytes_per_vm) + ") is not a multiple of --chunk-bytes (" +
         std::to_string(p.chunk_bytes) + ")");
  return p;
}

/// Shared state of the run: each VM's count of chunks not yet taken, and the finish time of the last chunk.
/// SimGrid runs actors one at a time (cooperative contexts), so plain fields are safe.
struct Run {
  std::vector<std::uint64_t> chunks_left; // per VM
  std::uint64_t chunk_bytes = 0;
  double wait_s             = 0;
  double makespan_s         = 0;
  std::uint64_t transfers   = 0;
  sg4::Host* src            = nullptr;
  sg4::Host* dst            = nullptr;
};

/// One upload thread (one TCP connection) of VM `vm`.
void upload_thread(Run* run, long vm, double start_s)
{
  if (start_s > 0)
    sg4::this_actor::sleep_for(start_s);
  while (run->chunks_left[vm] > 0) {
    run->chunks_left[vm]--;
    sg4::Comm::sendto(run->src, run->dst, run->chunk_bytes);
    run->transfers++;
    run->makespan_s = sg4::Engine::get_clock();
    if (run->chunks_left[vm] == 0)
      break; // no further chunk for this thread: skip the idle wait
    sg4::this_actor::sleep_for(run->wait_s);
  }
}

} // namespace

int main(int argc, char** argv)
{
  sg4::Engine e(&argc, argv);
  Params p = parse(argc, argv);

  auto t0          = std::chrono::steady_clock::now();
  std::clock_t c0  = std::clock();

  // Plain fluid max-min sharing (see the header comment and ../README.md for the justification).
  xbt_log_control_set("xbt_cfg.thres:warning"); // keep stderr quiet about the configuration changes below
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/latency-factor:1.0");
  sg4::Engine::set_config("network/bandwidth-factor:1.0");
  sg4::Engine::set_config("network/weight-S:0");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");

  auto* zone = sg4::create_full_zone("world");
  sg4::Host* src = zone->create_host("onprem", 1e9);
  sg4::Host* dst = zone->create_host("azure", 1e9);
  sg4::Link* link = zone->create_link("uplink", p.link_bps / 8.0); // SimGrid bandwidths are bytes/s
  link->set_latency(0);
  link->set_sharing_policy(sg4::Link::SharingPolicy::SHARED);
  link->seal();
  zone->add_route(src->get_netpoint(), dst->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(link)}, true);
  zone->seal();

  Run run;
  run.chunks_left.assign(p.vms, p.bytes_per_vm / p.chunk_bytes);
  run.chunk_bytes = p.chunk_bytes;
  run.wait_s      = p.rtt_s + p.extra_wait_s;
  run.src         = src;
  run.dst         = dst;

  const long total_threads = p.vms * p.threads;
  for (long k = 0; k < total_threads; k++) {
    long vm        = k / p.threads;
    double start_s = static_cast<double>(k) * run.wait_s / static_cast<double>(total_threads);
    sg4::Actor::create("t" + std::to_string(k), src, upload_thread, &run, vm, start_s);
  }

  e.run();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu_s  = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;

  std::printf("{\"tool\":\"simgrid\",\"makespan_s\":%.9f,\"transfers\":%llu,\"wall_s\":%.6f,\"cpu_s\":%.6f}\n",
              run.makespan_s, static_cast<unsigned long long>(run.transfers), wall_s, cpu_s);
  return 0;
}
