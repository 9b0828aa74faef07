import { Module } from '@nestjs/common';

import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/** Imported only with HOSTED_PAGES on: off, the pages' paths answer 404 like any unknown route. */
@Module({ controllers: [PagesController], providers: [PagesService] })
export class PagesModule {}
