import type { AddressInfo } from 'node:net';
import type { HostPort, Logger } from '@acs/daemon';
import { AdminApi } from './admin-api';
import type { PolicyName } from '@acs/balancing';
import { AgentServer, type AgentServerOptions } from './agent-server';
import { DEFAULT_SLOW_START_MS } from './defaults';
import { Tier1Front } from './traffic/tier1-front';
import { ClusterState } from './cluster-state';

export interface VimOptions extends Omit<AgentServerOptions, 'listen'> {
  agentListen: HostPort;
  adminListen: HostPort;
  httpListen: HostPort;
  balancerPolicy: PolicyName;
  upstreamTimeoutMs: number;
  /** @default DEFAULT_SLOW_START_MS */
  slowStartMs?: number;
  /** When set, every admin API change must carry `Authorization: Bearer <token>`. */
  adminToken?: string;
}

export interface RunningVim {
  cluster: ClusterState;
  agents: AgentServer;
  traffic: Tier1Front;
  agentAddress: AddressInfo;
  adminAddress: AddressInfo;
  httpAddress: AddressInfo;
  close(): Promise<void>;
}

/** Starts the VIM's parts and wires them together. Used by `acs-vim` and by in-process tests. */
export async function startVim(options: VimOptions, log: Logger): Promise<RunningVim> {
  const now = options.now ?? Date.now;
  const cluster = new ClusterState();
  cluster.on('vmDown', (vm, reason) => log.warn({ agentId: vm.id, peer: vm.address, reason }, 'vm down'));
  const agents = new AgentServer({ ...options, listen: options.agentListen, now }, cluster, log.child({ part: 'agents' }));
  const traffic = new Tier1Front(
    { listen: options.httpListen, policy: options.balancerPolicy, upstreamTimeoutMs: options.upstreamTimeoutMs, slowStartMs: options.slowStartMs ?? DEFAULT_SLOW_START_MS, now },
    cluster,
    log.child({ part: 'tier1' }),
  );
  const admin = new AdminApi(options.adminListen, { cluster, agents, traffic, now, adminToken: options.adminToken, log: log.child({ part: 'admin' }) });
  const agentAddress = await agents.listen();
  let adminAddress: AddressInfo;
  let httpAddress: AddressInfo;
  try {
    adminAddress = await admin.listen();
    httpAddress = await traffic.listen();
  } catch (error) {
    await Promise.allSettled([agents.close(), admin.close()]);
    throw error;
  }
  return {
    cluster,
    agents,
    traffic,
    agentAddress,
    adminAddress,
    httpAddress,
    async close() {
      await Promise.all([traffic.close(), admin.close(), agents.close()]);
    },
  };
}
