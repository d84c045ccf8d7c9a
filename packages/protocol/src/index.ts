export * from './errors';
export * from './messages';
export { FrameDecoder, type FrameDecoderOptions } from './frame-decoder';
export { FrameEncoder, type FrameEncoderOptions } from './frame-encoder';
export { DEFAULT_PAYLOAD_ENCODING, type PayloadEncoding } from './payload-codec';
export { parseMessage, parseAgentDescription, parseContainerStarted, parseContainerStopped, AGENT_ID_PATTERN, SERVICE_NAME_PATTERN } from './validate';
export * from './version';
export { computeProof, proofMatches, createNonce } from './auth';
