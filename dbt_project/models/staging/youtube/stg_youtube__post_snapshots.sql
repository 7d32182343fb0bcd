{{ stg_post_snapshots(source('raw', 'youtube__post_snapshots')) }}
