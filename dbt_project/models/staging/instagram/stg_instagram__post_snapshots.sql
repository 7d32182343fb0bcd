{{ stg_post_snapshots(source('raw', 'instagram__post_snapshots')) }}
