// replsim-ns3: packet-level reference workload for the replsim fidelity suite.
//
// Workload: N VMs x T persistent TCP connections. One client node per VM; each connection is its own
// TCP socket on that node. Each connection repeatedly sends a chunk (default 4 MiB); the server reads the
// whole chunk, waits a constant server latency (default 5 ms) and sends a small response (default 300 B);
// on receiving the full response the client starts the next chunk. Connection starts are spread evenly
// over the first (RTT + 5 ms).
//
// Topology (see NOTES.md): client_i --access--> R1 ==bottleneck C==> R2 --access--> server.
// Access links run at accessFactor x C with 0.1 ms one-way delay; the bottleneck one-way delay is
// RTT/2 - 0.2 ms so the propagation RTT equals rttMs. Random loss p: RateErrorModel (packet unit) on R2's
// bottleneck receive side (data direction only). Queue: no queue disc on the bottleneck devices, the
// PointToPoint device's DropTail queue holds queuePkts packets (default ceil(BDP / 1500 B)).
//
// Output: one JSON line on stdout (all parameters + measurements).

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

struct Params
{
    uint32_t vms = 3;
    uint32_t threads = 4;
    double rateMbps = 100.0;
    double rttMs = 20.0;
    double loss = 0.0;
    std::string tcp = "NewReno";
    uint32_t sndBuf = 131072;
    uint32_t rcvBuf = 131072;
    uint32_t chunk = 4u << 20;
    uint32_t resp = 300;
    double latencyMs = 5.0;
    double stopS = 25.0;
    double warmS = 5.0;
    uint32_t mss = 1448;
    uint32_t queuePkts = 0; // 0 = ceil(BDP / 1500 B)
    uint32_t delAck = 2;
    double minRtoMs = 1000.0;
    double accessFactor = 10.0;
    uint32_t seed = 1;
    uint32_t run = 1;
};

struct ClientConn
{
    Ptr<Socket> sock;
    uint64_t remaining = 0; // bytes of the current chunk not yet handed to the socket
    uint32_t respRecv = 0;
};

struct ServerConn
{
    uint64_t inChunk = 0;
    uint64_t windowBytes = 0;
    uint64_t totalBytes = 0;
};

Params g_p;
std::vector<ClientConn> g_clients;
std::map<Socket*, ServerConn> g_server; // keyed by socket; never iterated for ordering decisions
std::vector<Socket*> g_acceptOrder;     // iteration order for per-connection stats
uint64_t g_windowBytes = 0;
uint64_t g_totalBytes = 0;
uint64_t g_chunksTotal = 0;
uint64_t g_chunksWindow = 0;
uint64_t g_errDrops = 0;
uint64_t g_queueDrops = 0;
uint64_t g_fastRecoveries = 0;
uint64_t g_rtos = 0;
double g_rttSumS = 0.0;
uint64_t g_rttSamples = 0;
uint64_t g_connected = 0;

bool
InWindow()
{
    double t = Simulator::Now().GetSeconds();
    return t >= g_p.warmS && t < g_p.stopS;
}

void
TrySend(size_t idx)
{
    ClientConn& c = g_clients[idx];
    while (c.remaining > 0)
    {
        uint32_t avail = c.sock->GetTxAvailable();
        if (avail == 0)
        {
            return;
        }
        uint32_t n = static_cast<uint32_t>(std::min<uint64_t>({c.remaining, avail, 65536}));
        int sent = c.sock->Send(Create<Packet>(n));
        if (sent <= 0)
        {
            return;
        }
        c.remaining -= static_cast<uint64_t>(sent);
    }
}

void
OnClientSendSpace(size_t idx, Ptr<Socket>, uint32_t)
{
    TrySend(idx);
}

void
StartChunk(size_t idx)
{
    g_clients[idx].remaining = g_p.chunk;
    TrySend(idx);
}

void
OnClientRecv(size_t idx, Ptr<Socket> s)
{
    ClientConn& c = g_clients[idx];
    Ptr<Packet> pkt;
    while ((pkt = s->Recv()))
    {
        c.respRecv += pkt->GetSize();
    }
    while (c.respRecv >= g_p.resp)
    {
        c.respRecv -= g_p.resp;
        StartChunk(idx);
    }
}

void
OnClientConnected(size_t idx, Ptr<Socket>)
{
    g_connected++;
    StartChunk(idx);
}

void
OnClientConnectFailed(size_t idx, Ptr<Socket>)
{
    std::fprintf(stderr, "connection %zu failed to connect\n", idx);
}

void
OnCongState(TcpSocketState::TcpCongState_t old, TcpSocketState::TcpCongState_t now)
{
    if (std::getenv("REPLSIM_NS3_DEBUG"))
    {
        std::fprintf(stderr, "%.6f congstate %d -> %d\n", Simulator::Now().GetSeconds(), int(old), int(now));
    }
    if (!InWindow())
    {
        return;
    }
    if (now == TcpSocketState::CA_RECOVERY)
    {
        g_fastRecoveries++;
    }
    else if (now == TcpSocketState::CA_LOSS)
    {
        g_rtos++;
    }
}

void
OnRtt(Time, Time now)
{
    if (InWindow() && now.IsStrictlyPositive())
    {
        g_rttSumS += now.GetSeconds();
        g_rttSamples++;
    }
}

void
SendResponse(Ptr<Socket> s)
{
    s->Send(Create<Packet>(g_p.resp));
}

void
OnServerRecv(Ptr<Socket> s)
{
    ServerConn& sc = g_server[PeekPointer(s)];
    Ptr<Packet> pkt;
    bool inWin = InWindow();
    while ((pkt = s->Recv()))
    {
        uint32_t n = pkt->GetSize();
        sc.totalBytes += n;
        g_totalBytes += n;
        if (inWin)
        {
            sc.windowBytes += n;
            g_windowBytes += n;
        }
        sc.inChunk += n;
        while (sc.inChunk >= g_p.chunk)
        {
            sc.inChunk -= g_p.chunk;
            g_chunksTotal++;
            if (inWin)
            {
                g_chunksWindow++;
            }
            Simulator::Schedule(MilliSeconds(g_p.latencyMs), &SendResponse, s);
        }
    }
}

void
OnServerAccept(Ptr<Socket> s, const Address&)
{
    g_server[PeekPointer(s)] = ServerConn{};
    g_acceptOrder.push_back(PeekPointer(s));
    s->SetRecvCallback(MakeCallback(&OnServerRecv));
}

void
OnErrDrop(Ptr<const Packet>)
{
    if (InWindow())
    {
        g_errDrops++;
    }
}

void
OnDevQueueDrop(Ptr<const Packet>)
{
    if (InWindow())
    {
        g_queueDrops++;
    }
}

void
OnQueueDrop(Ptr<const QueueDiscItem>)
{
    if (InWindow())
    {
        g_queueDrops++;
    }
}

void
StartClient(size_t idx, Ptr<Node> node, Ipv4Address server, uint16_t port)
{
    Ptr<Socket> s = Socket::CreateSocket(node, TcpSocketFactory::GetTypeId());
    g_clients[idx].sock = s;
    s->TraceConnectWithoutContext("CongState", MakeCallback(&OnCongState));
    s->TraceConnectWithoutContext("RTT", MakeCallback(&OnRtt));
    if (idx == 0 && std::getenv("REPLSIM_NS3_CWND"))
    {
        s->TraceConnectWithoutContext("CongestionWindow", MakeCallback(+[](uint32_t, uint32_t now) {
            std::fprintf(stderr, "%.6f cwnd %u\n", Simulator::Now().GetSeconds(), now);
        }));
    }
    s->Bind();
    s->SetConnectCallback(MakeBoundCallback(&OnClientConnected, idx),
                          MakeBoundCallback(&OnClientConnectFailed, idx));
    s->SetSendCallback(MakeBoundCallback(&OnClientSendSpace, idx));
    s->SetRecvCallback(MakeBoundCallback(&OnClientRecv, idx));
    s->Connect(InetSocketAddress(server, port));
}

std::string
Str(const char* fmt, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

} // namespace

int
main(int argc, char* argv[])
{
    Params& p = g_p;
    CommandLine cmd(__FILE__);
    cmd.AddValue("vms", "number of VMs (client nodes)", p.vms);
    cmd.AddValue("threads", "TCP connections per VM", p.threads);
    cmd.AddValue("rateMbps", "bottleneck capacity C in Mbit/s", p.rateMbps);
    cmd.AddValue("rttMs", "base (propagation) RTT in ms", p.rttMs);
    cmd.AddValue("loss", "random packet loss probability on the bottleneck (data direction)", p.loss);
    cmd.AddValue("tcp", "NewReno or Cubic", p.tcp);
    cmd.AddValue("sndBuf", "TcpSocket::SndBufSize in bytes", p.sndBuf);
    cmd.AddValue("rcvBuf", "TcpSocket::RcvBufSize in bytes", p.rcvBuf);
    cmd.AddValue("chunk", "chunk size in bytes", p.chunk);
    cmd.AddValue("resp", "response size in bytes", p.resp);
    cmd.AddValue("latencyMs", "server latency before the response, ms", p.latencyMs);
    cmd.AddValue("stop", "simulated duration, s", p.stopS);
    cmd.AddValue("warm", "warm-up excluded from the measurement window, s", p.warmS);
    cmd.AddValue("mss", "TcpSocket::SegmentSize (payload bytes per segment)", p.mss);
    cmd.AddValue("queuePkts", "bottleneck queue in packets (0 = ceil(BDP/1500))", p.queuePkts);
    cmd.AddValue("delAck", "TcpSocket::DelAckCount", p.delAck);
    cmd.AddValue("minRtoMs", "TcpSocketBase::MinRto in ms", p.minRtoMs);
    cmd.AddValue("accessFactor", "access link rate as a multiple of C", p.accessFactor);
    cmd.AddValue("seed", "RngSeedManager seed", p.seed);
    cmd.AddValue("run", "RngSeedManager run number", p.run);
    cmd.Parse(argc, argv);

    if (p.vms == 0 || p.threads == 0 || p.rateMbps <= 0 || p.rttMs <= 0.5 || p.loss < 0 || p.loss >= 1 ||
        p.chunk == 0 || p.resp == 0 || p.warmS >= p.stopS || p.mss < 100 || p.mss > 1448)
    {
        std::fprintf(stderr,
                     "bad parameters: need vms,threads,chunk,resp > 0; rateMbps > 0; rttMs > 0.5; "
                     "0 <= loss < 1; warm < stop; 100 <= mss <= 1448\n");
        return 2;
    }
    TypeId tcpType;
    if (p.tcp == "NewReno")
    {
        tcpType = TcpNewReno::GetTypeId();
    }
    else if (p.tcp == "Cubic")
    {
        tcpType = TcpCubic::GetTypeId();
    }
    else
    {
        std::fprintf(stderr, "bad --tcp=%s: expected NewReno or Cubic\n", p.tcp.c_str());
        return 2;
    }

    RngSeedManager::SetSeed(p.seed);
    RngSeedManager::SetRun(p.run);

    const double accessDelayMs = 0.1;
    const double bnDelayMs = p.rttMs / 2.0 - 2.0 * accessDelayMs;
    const double bdpBytes = p.rateMbps * 1e6 / 8.0 * p.rttMs / 1e3;
    if (p.queuePkts == 0)
    {
        p.queuePkts = std::max<uint32_t>(2, static_cast<uint32_t>(std::ceil(bdpBytes / 1500.0)));
    }

    Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(tcpType));
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(p.mss));
    Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
    Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(p.delAck));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(p.sndBuf));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(p.rcvBuf));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(p.minRtoMs)));

    NodeContainer clients;
    clients.Create(p.vms);
    Ptr<Node> r1 = CreateObject<Node>();
    Ptr<Node> r2 = CreateObject<Node>();
    Ptr<Node> server = CreateObject<Node>();
    InternetStackHelper stack;
    stack.Install(clients);
    stack.Install(r1);
    stack.Install(r2);
    stack.Install(server);

    const DataRate capacity(static_cast<uint64_t>(p.rateMbps * 1e6));
    const DataRate accessRate(static_cast<uint64_t>(p.rateMbps * 1e6 * p.accessFactor));

    PointToPointHelper access;
    access.SetDeviceAttribute("DataRate", DataRateValue(accessRate));
    access.SetChannelAttribute("Delay", TimeValue(MicroSeconds(accessDelayMs * 1000.0)));

    PointToPointHelper bottleneck;
    bottleneck.SetDeviceAttribute("DataRate", DataRateValue(capacity));
    bottleneck.SetChannelAttribute("Delay", TimeValue(MicroSeconds(bnDelayMs * 1000.0)));
    // Device queue of one packet; the buffer is the FIFO queue disc below (ns-3 3.37's TrafficControlLayer
    // silently discards packets when a device queue is stopped and no queue disc is installed, so a queue disc
    // is the only way to see bottleneck drops).
    bottleneck.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("1p")));

    Ipv4AddressHelper addr;
    addr.SetBase("10.0.0.0", "255.255.255.252");
    for (uint32_t i = 0; i < p.vms; i++)
    {
        NetDeviceContainer d = access.Install(clients.Get(i), r1);
        addr.Assign(d);
        addr.NewNetwork();
    }
    NetDeviceContainer bn = bottleneck.Install(r1, r2);
    addr.Assign(bn);
    addr.NewNetwork();
    NetDeviceContainer srvLink = access.Install(r2, server);
    Ipv4InterfaceContainer srvIf = addr.Assign(srvLink);
    Ipv4Address serverAddr = srvIf.GetAddress(1);
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    // Bottleneck queue: replace the default pfifo_fast with a FIFO (drop-tail) queue disc of queuePkts packets.
    TrafficControlHelper tch;
    tch.Uninstall(bn);
    tch.SetRootQueueDisc("ns3::FifoQueueDisc",
                         "MaxSize",
                         QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, p.queuePkts)));
    QueueDiscContainer qdiscs = tch.Install(bn);

    Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
    em->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
    em->SetAttribute("ErrorRate", DoubleValue(p.loss));
    em->AssignStreams(7);
    Ptr<PointToPointNetDevice> r2bn = DynamicCast<PointToPointNetDevice>(bn.Get(1));
    Ptr<PointToPointNetDevice> r1bn = DynamicCast<PointToPointNetDevice>(bn.Get(0));
    if (p.loss > 0)
    {
        r2bn->SetReceiveErrorModel(em);
    }
    r2bn->TraceConnectWithoutContext("PhyRxDrop", MakeCallback(&OnErrDrop));
    qdiscs.Get(0)->TraceConnectWithoutContext("Drop", MakeCallback(&OnQueueDrop));
    r1bn->GetQueue()->TraceConnectWithoutContext("Drop", MakeCallback(&OnDevQueueDrop));

    const uint16_t port = 5000;
    Ptr<Socket> listener = Socket::CreateSocket(server, TcpSocketFactory::GetTypeId());
    listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    listener->Listen();
    listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&OnServerAccept));

    const uint32_t nConn = p.vms * p.threads;
    g_clients.resize(nConn);
    const double spreadS = (p.rttMs + 5.0) / 1e3;
    for (uint32_t i = 0; i < nConn; i++)
    {
        uint32_t vm = i % p.vms; // interleave VMs so each VM's connections are spread over the whole interval
        Time at = Seconds(spreadS * i / nConn);
        Simulator::Schedule(at, &StartClient, static_cast<size_t>(i), clients.Get(vm), serverAddr, port);
    }

    if (std::getenv("REPLSIM_NS3_DEBUG"))
    {
        for (const char* path : {"/NodeList/*/DeviceList/*/MacTxDrop", "/NodeList/*/DeviceList/*/PhyRxDrop",
                                 "/NodeList/*/DeviceList/*/PhyTxDrop"})
        {
            Config::Connect(path, MakeCallback(+[](std::string ctx, Ptr<const Packet>) {
                std::fprintf(stderr, "%.6f drop %s\n", Simulator::Now().GetSeconds(), ctx.c_str());
            }));
        }
        Config::Connect("/NodeList/*/$ns3::Ipv4L3Protocol/Drop",
                        MakeCallback(+[](std::string ctx, const Ipv4Header&, Ptr<const Packet>,
                                         Ipv4L3Protocol::DropReason r, Ptr<Ipv4>, uint32_t) {
                            std::fprintf(stderr, "%.6f ipdrop %s %d\n", Simulator::Now().GetSeconds(),
                                         ctx.c_str(), int(r));
                        }));
        Simulator::Schedule(Seconds(p.stopS - 1e-9), [] {
            for (uint32_t n = 0; n < NodeList::GetNNodes(); n++)
            {
                Ptr<Node> node = NodeList::GetNode(n);
                for (uint32_t d = 0; d < node->GetNDevices(); d++)
                {
                    Ptr<PointToPointNetDevice> dev = DynamicCast<PointToPointNetDevice>(node->GetDevice(d));
                    if (dev)
                    {
                        std::fprintf(stderr, "node %u dev %u queue drops %u\n", n, d,
                                     dev->GetQueue()->GetTotalDroppedPackets());
                    }
                }
            }
        });
    }
    Simulator::Stop(Seconds(p.stopS));
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const double winS = p.stopS - p.warmS;
    const double goodputMbps = g_windowBytes * 8.0 / winS / 1e6;
    std::vector<double> per;
    for (Socket* s : g_acceptOrder)
    {
        per.push_back(g_server[s].windowBytes * 8.0 / winS / 1e6);
    }
    double sum = 0, sumSq = 0, mn = 0, mx = 0;
    for (size_t i = 0; i < per.size(); i++)
    {
        sum += per[i];
        sumSq += per[i] * per[i];
        mn = i == 0 ? per[i] : std::min(mn, per[i]);
        mx = i == 0 ? per[i] : std::max(mx, per[i]);
    }
    double jain = sumSq > 0 ? sum * sum / (per.size() * sumSq) : 0.0;
    double meanRttMs = g_rttSamples > 0 ? g_rttSumS / g_rttSamples * 1e3 : 0.0;

    std::string j = "{";
    j += "\"vms\":" + std::to_string(p.vms);
    j += ",\"threads\":" + std::to_string(p.threads);
    j += ",\"connections\":" + std::to_string(nConn);
    j += ",\"rate_mbps\":" + Str("%.6g", p.rateMbps);
    j += ",\"rtt_ms\":" + Str("%.6g", p.rttMs);
    j += ",\"loss\":" + Str("%.6g", p.loss);
    j += ",\"tcp\":\"" + p.tcp + "\"";
    j += ",\"snd_buf\":" + std::to_string(p.sndBuf);
    j += ",\"rcv_buf\":" + std::to_string(p.rcvBuf);
    j += ",\"chunk_bytes\":" + std::to_string(p.chunk);
    j += ",\"resp_bytes\":" + std::to_string(p.resp);
    j += ",\"server_latency_ms\":" + Str("%.6g", p.latencyMs);
    j += ",\"mss\":" + std::to_string(p.mss);
    j += ",\"queue_pkts\":" + std::to_string(p.queuePkts);
    j += ",\"bdp_pkts\":" + Str("%.4g", bdpBytes / 1500.0);
    j += ",\"del_ack_count\":" + std::to_string(p.delAck);
    j += ",\"initial_cwnd\":10";
    j += ",\"min_rto_ms\":" + Str("%.6g", p.minRtoMs);
    j += ",\"access_factor\":" + Str("%.6g", p.accessFactor);
    j += ",\"sim_s\":" + Str("%.6g", p.stopS);
    j += ",\"warmup_s\":" + Str("%.6g", p.warmS);
    j += ",\"seed\":" + std::to_string(p.seed);
    j += ",\"run\":" + std::to_string(p.run);
    j += ",\"goodput_mbps\":" + Str("%.6g", goodputMbps);
    j += ",\"goodput_all_mbps\":" + Str("%.6g", g_totalBytes * 8.0 / p.stopS / 1e6);
    j += ",\"utilization\":" + Str("%.5g", goodputMbps / p.rateMbps);
    j += ",\"per_conn_mean_mbps\":" + Str("%.6g", nConn > 0 ? goodputMbps / nConn : 0.0);
    j += ",\"per_conn_min_mbps\":" + Str("%.6g", mn);
    j += ",\"per_conn_max_mbps\":" + Str("%.6g", mx);
    j += ",\"jain_fairness\":" + Str("%.5g", jain);
    j += ",\"connected\":" + std::to_string(g_connected);
    j += ",\"chunks_total\":" + std::to_string(g_chunksTotal);
    j += ",\"chunks_window\":" + std::to_string(g_chunksWindow);
    j += ",\"loss_drops_window\":" + std::to_string(g_errDrops);
    j += ",\"queue_drops_window\":" + std::to_string(g_queueDrops);
    j += ",\"fast_recoveries_window\":" + std::to_string(g_fastRecoveries);
    j += ",\"rtos_window\":" + std::to_string(g_rtos);
    j += ",\"mean_rtt_sample_ms\":" + Str("%.5g", meanRttMs);
    j += ",\"ns3_version\":\"3.37\"";
    j += ",\"wall_s\":" + Str("%.4g", wall);
    j += "}";
    std::printf("%s\n", j.c_str());
    Simulator::Destroy();
    return 0;
}
