// The repo root's CDKTF app (see cdktf.json): `cdktf synth` / `cdktf deploy` run this file.
import { App } from 'cdktf';
import { QuickstartStack } from './stack';

const app = new App();
new QuickstartStack(app, 'quickstart');
app.synth();
