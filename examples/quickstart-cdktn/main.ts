// The quickstart as a CDK Terrain app: `node build/examples/quickstart-cdktn/main.js` after
// `npm run build:examples` writes cdktf.out/stacks/quickstart (then `terraform apply` there).
import { App } from 'cdktn';
import { QuickstartStack } from './stack';

const app = new App();
new QuickstartStack(app, 'quickstart');
app.synth();
