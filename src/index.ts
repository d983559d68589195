export * from './client/wire';
