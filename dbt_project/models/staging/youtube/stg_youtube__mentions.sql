{{ stg_mentions(source('raw', 'youtube__mentions')) }}
