// The package ships no types; this is the one function the Crypt4GH key reader calls.
declare module 'bcrypt-pbkdf' {
  const bcryptPbkdf: {
    pbkdf(pass: Uint8Array, passlen: number, salt: Uint8Array, saltlen: number, key: Uint8Array, keylen: number, rounds: number): number;
  };
  export default bcryptPbkdf;
}
