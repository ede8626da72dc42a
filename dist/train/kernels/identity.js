import { callKernel } from "./wasm.js";
/**
 * Identity that shares the input's data (as the cpu backend's does) instead of copying it (wasm's stock
 * kernel). Strings keep the stock kernel.
 */
export function sharedIdentityWasm(stock) {
    return (args) => {
        const backend = args.backend;
        const { x } = args.inputs;
        if (x.dtype === 'string') {
            if (stock === undefined)
                throw new Error('wasm Identity kernel missing');
            return callKernel(stock, backend, args.inputs, {});
        }
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
}
//# sourceMappingURL=identity.js.map