import { Module } from '@nestjs/common';
import { MediaModule } from '@gw/media';
import { MediaFileController } from './media-file.controller';

@Module({ imports: [MediaModule], controllers: [MediaFileController] })
export class MediaFileModule {}
