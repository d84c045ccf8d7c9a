export * from './recommender';
export * from './placement';
export * from './forecast';
export * from './predictive';
export * from './vm-scaling';
