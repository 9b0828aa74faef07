import { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokenKeys1764800000000 implements MigrationInterface {
  name = 'RefreshTokenKeys1764800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "refresh_token_keys" (
        "kid" character varying(64) NOT NULL,
        "secret" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_refresh_token_keys" PRIMARY KEY ("kid")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refresh_token_keys"`);
  }
}
