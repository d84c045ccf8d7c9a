import type { AddressInfo } from 'node:net';
import type { HostPort, Logger } from '@acs/daemon';
import { AdminApi } from './admin-api';
import { AgentServer, type AgentServerOptions } from './agent-server';
import { ClusterState } from './cluster-state';

export interface VimOptions extends Omit<AgentServerOptions, 'listen'> {
  agentListen: HostPort;
  adminListen: HostPort;
}

export interface RunningVim {
  cluster: ClusterState;
  agents: AgentServer;
  agentAddress: AddressInfo;
  adminAddress: AddressInfo;
  close(): Promise<void>;
}

/** Starts the VIM's parts and wires them together. Used by `acs-vim` and by in-process tests. */
export async function startVim(options: VimOptions, log: Logger): Promise<RunningVim> {
  const now = options.now ?? Date.now;
  const cluster = new ClusterState();
  cluster.on('vmDown', (vm, reason) => log.warn({ agentId: vm.id, peer: vm.address, reason }, 'vm down'));
  const agents = new AgentServer({ ...options, listen: options.agentListen, now }, cluster, log.child({ part: 'agents' }));
  const admin = new AdminApi(options.adminListen, { cluster, agents, now, log: log.child({ part: 'admin' }) });
  const agentAddress = await agents.listen();
  let adminAddress: AddressInfo;
  try {
    adminAddress = await admin.listen();
  } catch (error) {
    await agents.close();
    throw error;
  }
  return {
    cluster,
    agents,
    agentAddress,
    adminAddress,
    async close() {
      await Promise.all([admin.close(), agents.close()]);
    },
  };
}
