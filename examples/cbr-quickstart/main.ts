// The CBR quickstart as a CDKTF app: `node build/examples/cbr-quickstart/main.js` after
// `npm run build:examples` writes cdktf.out/stacks/cbr-quickstart (then `terraform apply` there).
import { App } from 'cdktf';
import { CbrQuickstartStack } from './stack';

const app = new App();
new CbrQuickstartStack(app, 'cbr-quickstart');
app.synth();
