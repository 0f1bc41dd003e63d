export const id = 416;
export const ids = [416];
export const modules = {

/***/ 6416:
/***/ ((module) => {

module.exports = eval("require")("kerberos");


/***/ })

};

//# sourceMappingURL=416.cli.js.map
