// The CBR quickstart as a CDK Terrain app: `node build/examples/cbr-quickstart-cdktn/main.js` after
// `npm run build:examples` writes cdktf.out/stacks/cbr-quickstart (then `terraform apply` there).
import { App } from 'cdktn';
import { CbrQuickstartStack } from './stack';

const app = new App();
new CbrQuickstartStack(app, 'cbr-quickstart');
app.synth();
