/** A command to an agent did not get an answer in time. */
export class RequestTimeoutError extends Error {
  readonly code = 'request-timeout';
  constructor(
    readonly agentId: string,
    readonly requestType: string,
    readonly timeoutMs: number,
  ) {
    super(`agent ${agentId} did not answer ${requestType} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The agent's session ended while a command was outstanding. */
export class SessionClosedError extends Error {
  readonly code = 'session-closed';
  constructor(
    readonly agentId: string,
    readonly reason: string,
  ) {
    super(`session with agent ${agentId} closed (${reason})`);
    this.name = 'SessionClosedError';
  }
}

/** The agent answered a command with an error. */
export class AgentCommandError extends Error {
  constructor(
    readonly agentId: string,
    readonly requestType: string,
    readonly code: string,
    message: string,
  ) {
    super(`agent ${agentId} failed ${requestType}: ${message} (${code})`);
    this.name = 'AgentCommandError';
  }
}

/** No live session for the agent a command was meant for. */
export class AgentNotConnectedError extends Error {
  readonly code = 'agent-not-connected';
  constructor(readonly agentId: string) {
    super(`agent ${agentId} is not connected`);
    this.name = 'AgentNotConnectedError';
  }
}
