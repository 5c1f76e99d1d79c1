#!/usr/bin/env node
// The reference verdict of sigstore-js (@sigstore/verify) for one DSSE bundle about an image, plus cosign's
// statement-subject check: prints {"verified":bool,"reason":string}.
// Usage: NODE_PATH=tests/fixtures/sigstore/node_modules node reference-verify.js TRUSTED_ROOT BUNDLE IDENTITY ISSUER sha256:<hex>
'use strict';

const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { TrustedRoot } = require('@sigstore/protobuf-specs');

const [rootFile, bundleFile, identity, issuer, digest] = process.argv.slice(2);
if (!rootFile || !bundleFile || !identity || !issuer || !/^sha256:[0-9a-f]{64}$/.test(digest || '')) {
  console.error('usage: reference-verify.js TRUSTED_ROOT BUNDLE IDENTITY ISSUER sha256:<hex>');
  process.exit(2);
}

function verify() {
  try {
    const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundleFile, 'utf8')));
    const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootFile, 'utf8')));
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
    verifier.verify(toSignedEntity(bundle), { subjectAlternativeName: identity, extensions: { issuer } });
    const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString());
    if (!(statement.subject || []).some((s) => s && s.digest && `sha256:${s.digest.sha256}` === digest)) {
      return { verified: false, reason: 'no matching subject digest found' };
    }
    return { verified: true, reason: '' };
  } catch (e) {
    return { verified: false, reason: `${e.code || e.name}: ${e.message}` };
  }
}

console.log(JSON.stringify(verify()));
