import { DynamicModule, Global, Module } from '@nestjs/common';

import { DataCipher } from './data-cipher';

/**
 * Provides the DataCipher made at bootstrap (see loadDataCipher): the key is read, or generated
 * beside the embedded data, before the database opens.
 */
@Global()
@Module({})
export class SecretsModule {
  static forRoot(cipher: DataCipher): DynamicModule {
    return { module: SecretsModule, providers: [{ provide: DataCipher, useValue: cipher }], exports: [DataCipher] };
  }
}
