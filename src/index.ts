export * from './policy';
export * from './trigger';
export * from './core';
export * from './client';
export * from './emulator';
