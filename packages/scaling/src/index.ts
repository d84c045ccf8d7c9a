export * from './recommender';
export * from './placement';
