"use strict";
module.exports = { useInKernel() {} };
