export { BackupVault } from './vault';
