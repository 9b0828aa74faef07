/** Injection token of the MeshConfig. */
export const MESH_CONFIG = Symbol('MESH_CONFIG');
