#!/usr/bin/env node
'use strict';
require('../dist/main.js').main().catch((error) => {
  console.error('acs-vim: fatal:', error);
  process.exit(1);
});
