// The CBR quickstart as a CDK Terrain app: `node build/examples/cbr-quickstart-cdktn/main.js` after
// `npm run build:examples` writes cdktf.out/stacks/cbr-quickstart (then `terraform apply` there).
import { App } from 'cdktn';
import { CbrQuickstartStack } from './stack';

const app = new App({ context: { 'cdktf-vbs-backup:hookResource': 'terraform_data' } });
new CbrQuickstartStack(app, 'cbr-quickstart');
app.synth();
