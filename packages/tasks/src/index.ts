/** The package name, exported so that the package can be imported before it fills up. */
export const name = '@unroll/tasks';
