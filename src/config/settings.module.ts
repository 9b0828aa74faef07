import { DynamicModule, Global, Module, Provider } from '@nestjs/common';

import { Settings, SETTINGS_SLICES } from './settings';

/**
 * Provides each settings slice under its own class, so a class asks for the slice it needs
 * (`constructor(private readonly settings: TokenSettings)`) and nothing more.
 */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    const providers: Provider[] = Object.entries(SETTINGS_SLICES).map(([field, type]) => ({
      provide: type,
      useValue: settings[field as keyof Settings],
    }));
    return { module: SettingsModule, providers, exports: providers };
  }
}
