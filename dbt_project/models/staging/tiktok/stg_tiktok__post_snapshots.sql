{{ stg_post_snapshots(source('raw', 'tiktok__post_snapshots')) }}
