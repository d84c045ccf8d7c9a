/**
 * Float slack for "completed by t", in ms. Service times are fractions of a millisecond summed millions of
 * times; the container's in-flight count and the tick a completion is booked to must agree on which side
 * of an instant a completion falls, so both use this one constant.
 */
export const COMPLETION_SLACK_MS = 1e-4;
